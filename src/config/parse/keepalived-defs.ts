/**
 * keepalived's parameter substitution (lib/parser.c `check_definition`, `find_definition`,
 * `replace_param`): `$NAME=VALUE` definitions, multi-line definitions ending in `\`, and `$NAME` /
 * `${NAME}` uses, expanded recursively at use time. Undefined names stay as written.
 */

/** keepalived's MAXBUF: a line that would grow past it is left unexpanded. */
export const MAX_LINE = 1024;

/** The line separator inside a multi-line definition's value (DEF_LINE_END). */
export const DEF_LINE_END = '\n';

interface Definition {
  value: string;
  multiline: boolean;
  /** A predefined name whose value is computed at each use (`_RANDOM`, `_PWD`). */
  fn?: (params: readonly number[]) => string;
  maxParams: number;
}

const isAlpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** The outcome of substituting one line. */
export interface Substitution {
  /** The line with every known `$NAME` replaced (first line of a multi-line value). */
  readonly text: string;
  /** Further lines injected by a multi-line definition, in order. */
  readonly extraLines: readonly string[];
  readonly changed: boolean;
  /** True when expansion stopped because the line grew past MAXBUF. */
  readonly overflow: boolean;
}

/** The set of definitions live while a file is read; definitions persist across includes. */
export class Definitions {
  readonly #defs = new Map<string, Definition>();
  /** Set while a multi-line definition is being collected. */
  #collecting: Definition | undefined;

  constructor(env: { pwd: () => string; instance: string; random: () => number }) {
    this.#defs.set('_PWD', { value: '', multiline: false, fn: () => env.pwd(), maxParams: 0 });
    this.#defs.set('_INSTANCE', { value: '', multiline: false, fn: () => env.instance, maxParams: 0 });
    this.#defs.set('_RANDOM', {
      value: '',
      multiline: false,
      maxParams: 2,
      fn: (p) => {
        const min = p[0] ?? 0;
        const max = p[1] ?? 2147483647;
        return String(Math.floor(env.random() * (max - min + 1)) + min);
      },
    });
    this.#defs.set('_HASH', { value: '#', multiline: false, maxParams: 0 });
    this.#defs.set('_BANG', { value: '!', multiline: false, maxParams: 0 });
  }

  /** True while the lines of a multi-line `$NAME= ... \` definition are being read. */
  get collecting(): boolean {
    return this.#collecting !== undefined;
  }

  /** Sets a plain definition (used by ~SEQ / ~LST for their loop variable). */
  set(name: string, value: string): void {
    this.#defs.set(name, { value, multiline: false, maxParams: 0 });
  }

  /**
   * Reads `$NAME=VALUE` (only blanks between the name and `=`); returns false when the line is not a
   * definition, so it is processed as an ordinary line.
   */
  define(line: string): boolean {
    if (line[0] !== '$' || !(isAlpha(line[1]) || line[1] === '_')) return false;
    let p = 2;
    while (p < line.length && line[p] !== '=') {
      if (!isNameChar(line[p])) break;
      p++;
    }
    const name = line.slice(1, p);
    while (line[p] === ' ' || line[p] === '\t') p++;
    if (line[p] !== '=') return false;
    p++;
    while (line[p] === ' ' || line[p] === '\t') p++;
    let value = line.slice(p);
    const def: Definition = { value: '', multiline: false, maxParams: 0 };
    if (value.endsWith('\\')) {
      value = value.slice(0, -1).replace(/[ \t]+$/, '');
      def.multiline = true;
      def.value = value === '' ? '' : value + DEF_LINE_END;
      this.#collecting = def;
    } else def.value = value;
    this.#defs.set(name, def);
    return true;
  }

  /** Adds one physical line to the multi-line definition being collected; an empty line ends it. */
  continueDefinition(line: string): void {
    const def = this.#collecting;
    if (def === undefined) return;
    if (line === '') {
      this.#collecting = undefined;
      if (def.value === '') def.multiline = false;
      return;
    }
    let text = line;
    let more = false;
    if (text.endsWith('\\')) {
      text = text.slice(0, -1).replace(/[ \t]+$/, '') + DEF_LINE_END;
      more = true;
    }
    if (text.length >= 2 || (text.length > 0 && !more)) def.value += text;
    if (!more) {
      this.#collecting = undefined;
      if (def.value === '') def.multiline = false;
    }
  }

  /** Looks up the use at `s[at]` (just after `$`); returns the definition and how many chars it spans. */
  #lookup(s: string, at: number): { def: Definition; span: number; params: number[] } | undefined {
    let p = at;
    const braces = s[p] === '{';
    if (braces) p++;
    if (!(isAlpha(s[p]) || s[p] === '_')) return undefined;
    const nameStart = p;
    while (isNameChar(s[p])) p++;
    const name = s.slice(nameStart, p);
    const params: number[] = [];
    if (braces) {
      const m = /^((?: +\d+)*)\}/.exec(s.slice(p));
      if (m === null) return undefined;
      for (const n of (m[1] ?? '').trim().split(/ +/)) if (n !== '') params.push(Number(n));
      p += m[0].length;
    } else if (p < s.length && !' \t,)'.includes(s[p] ?? '')) return undefined;
    const def = this.#defs.get(name);
    if (def === undefined) return undefined;
    if (params.length > 0 && def.maxParams === 0) return undefined;
    // A multi-line definition may only be used as the last thing on its line.
    if (def.multiline && p !== s.length) return undefined;
    return { def, span: p - at + 1, params };
  }

  /** Replaces every `$NAME` / `${NAME}` in `line`, rescanning replaced text as keepalived does. */
  substitute(line: string): Substitution {
    let s = line;
    let changed = false;
    let extra: string[] = [];
    let pos = s.indexOf('$');
    let budget = MAX_LINE;
    while (pos >= 0 && pos + 1 < s.length) {
      // A self-referencing definition ($A=$A) would expand forever; keepalived is saved only by MAXBUF.
      if (--budget < 0) return { text: line, extraLines: [], changed: false, overflow: true };
      const hit = this.#lookup(s, pos + 1);
      if (hit === undefined) {
        pos = s.indexOf('$', pos + 1);
        continue;
      }
      changed = true;
      let value = hit.def.fn !== undefined ? hit.def.fn(hit.params) : hit.def.value;
      if (hit.def.multiline) {
        const parts = value.split(DEF_LINE_END);
        if (parts[parts.length - 1] === '') parts.pop();
        value = parts[0] ?? '';
        extra = [...parts.slice(1), ...extra];
      }
      const next = s.slice(0, pos) + value + s.slice(pos + hit.span);
      if (next.length >= MAX_LINE) return { text: line, extraLines: [], changed: false, overflow: true };
      s = next;
      if (value.trimStart().startsWith('~')) break;
      pos = s.indexOf('$', pos);
    }
    return { text: s, extraLines: extra, changed, overflow: false };
  }
}
