/**
 * keepalived's line repeaters (lib/parser.c `add_seq`, `add_lst`; man page "Sequence blocks"):
 * `~SEQ(var, [start,] [step,] end) text` and `~SEQx(...)` (hex), `~LST(var, v1, v2...)` and
 * `~LST({a,b},{1,2},{3,4})`. Each yields the variable bindings and the text to re-read per round.
 */

/** One round of a sequence: definitions to set, then the line text to process. */
export interface SeqRound {
  readonly bindings: readonly (readonly [string, string])[];
  readonly text: string;
}

/** A parsed repeater, or the keepalived message for a bad one. */
export type SeqParse =
  { readonly ok: true; readonly rounds: SeqRound[] } | { readonly ok: false; readonly message: string };

/** keepalived would loop this many times at most in practice; Tandem refuses more to never hang. */
export const MAX_SEQ_ROUNDS = 10000;

function parseLong(s: string): { value: number; rest: string } {
  const m = /^[ \t]*([+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*))/.exec(s);
  if (m === null) return { value: 0, rest: s };
  const t = m[1] ?? '0';
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  const v = /^0[xX]/.test(body)
    ? parseInt(body.slice(2), 16)
    : /^0[0-7]+$/.test(body)
      ? parseInt(body, 8)
      : Number(body);
  return { value: neg ? -v : v, rest: s.slice(m[0].length) };
}

/** Parses a `~SEQ` line (after any `$` substitution of its parameters). */
export function parseSeq(line: string, substitute: (s: string) => string = (x) => x): SeqParse {
  const bad = (): SeqParse => ({ ok: false, message: `Invalid ~SEQ definition '${line}'` });
  let p = line.slice(4);
  const hex = p.startsWith('x');
  if (hex) p = p.slice(1);
  p = p.replace(/^[ \t]*/, '');
  if (!p.startsWith('(')) return bad();
  p = p.slice(1).replace(/^[ \t]*/, '');
  const varMatch = /^[^ \t,)]*/.exec(p);
  const name = varMatch?.[0] ?? '';
  p = p.slice(name.length).replace(/^[ \t]*/, '');
  if (p === '' || p.startsWith(')') || name === '') return bad();
  p = p.slice(1);
  const close = p.indexOf(')');
  if (close < 0) return bad();
  const text = p.slice(close + 1).replace(/^[ \t]*/, '');
  const nums: number[] = [];
  // add_seq expands definitions inside the parentheses only.
  let rest = substitute(p.slice(0, close + 1));
  for (;;) {
    const r = parseLong(rest);
    nums.push(r.value);
    rest = r.rest.replace(/^[ \t]*/, '');
    if (rest.startsWith(')')) break;
    if (!rest.startsWith(',') || nums.length === 3) return bad();
    rest = rest.slice(1);
  }
  let start: number;
  let step: number;
  let end: number;
  if (nums.length === 1) {
    end = nums[0] ?? 0;
    step = end < 1 ? -1 : 1;
    start = end < 0 ? -1 : 1;
  } else if (nums.length === 2) {
    start = nums[0] ?? 0;
    end = nums[1] ?? 0;
    step = start <= end ? 1 : -1;
  } else {
    start = nums[0] ?? 0;
    step = nums[1] ?? 0;
    end = nums[2] ?? 0;
    if (step === 0 || (start < end && step < 0) || (start > end && step > 0)) {
      return { ok: false, message: `Invalid ~SEQ values '${line}'` };
    }
  }
  if (hex && (start < 0 || end < 0))
    return { ok: false, message: `~SEQx is only valid for positive numbers '${line}'` };
  const rounds: SeqRound[] = [];
  // keepalived emits `start` first, then steps while it has not passed `end`.
  for (let v = start; ; v += step) {
    rounds.push({ bindings: [[name, hex ? v.toString(16) : String(v)]], text });
    if (rounds.length > MAX_SEQ_ROUNDS)
      return { ok: false, message: `~SEQ produces too many lines '${line}'` };
    const next = v + step;
    if ((step > 0 && next > end) || (step < 0 && next < end)) break;
  }
  return { ok: true, rounds };
}

function splitGroups(s: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (depth < 0) return undefined;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (depth !== 0) return undefined;
  out.push(cur.trim());
  return out;
}

const unbrace = (g: string): string[] =>
  g.startsWith('{') && g.endsWith('}')
    ? g
        .slice(1, -1)
        .split(',')
        .map((x) => x.trim())
    : [g];

/** Parses a `~LST` line. */
export function parseLst(line: string): SeqParse {
  const bad = (): SeqParse => ({ ok: false, message: `Invalid ~LST specification '${line}'` });
  const m = /^~LST[ \t]*\(/.exec(line);
  if (m === null) return bad();
  let depth = 0;
  let close = -1;
  for (let i = m[0].length; i < line.length; i++) {
    const c = line[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ')' && depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) return bad();
  const groups = splitGroups(line.slice(m[0].length, close));
  const text = line.slice(close + 1).replace(/^[ \t]*/, '');
  if (groups === undefined || groups.length < 2) return bad();
  const names = unbrace(groups[0] ?? '');
  if (names.some((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) return bad();
  const rounds: SeqRound[] = [];
  for (const g of groups.slice(1)) {
    const values = names.length > 1 ? unbrace(g) : [g.startsWith('{') ? unbrace(g).join(',') : g];
    if (values.length !== names.length) return bad();
    rounds.push({ bindings: names.map((n, i) => [n, values[i] ?? ''] as const), text });
  }
  return { ok: true, rounds };
}
