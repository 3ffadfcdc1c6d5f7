/**
 * keepalived's line reader (lib/parser.c `read_line` l.2500): turns the main file and everything it
 * includes into logical lines, in keepalived's order of passes: CR strip, MAXBUF split, decomment,
 * `$NAME=` definitions (multi-line too), `@id` / `@^id` conditionals, `~SEQ` / `~LST`, `$NAME`
 * substitution, `include` globs, and finally the brace split that makes `{` and `}` line breaks.
 * Every logical line keeps the file, line and column it came from.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../../core/diagnostic.js';
import { IncludeStack, resolveInclude } from '../include.js';
import type { SourceLoc } from '../source-loc.js';
import { decomment, splitBrace } from './keepalived-decomment.js';
import { Definitions, MAX_LINE } from './keepalived-defs.js';
import { kaDiag } from './keepalived-diag.js';
import { parseLst, parseSeq } from './keepalived-seq.js';

/** One logical line: what keepalived's tokenizer sees, with the position of its first character. */
export interface LogicalLine {
  readonly text: string;
  readonly loc: SourceLoc;
}

/** Options of {@link readKeepalivedLines}. */
export interface ReadLinesOptions {
  /** The `-i` config id that `@id` lines are compared with. */
  readonly configId: string;
  /** Random source for `${_RANDOM}`; injected so tests are repeatable. */
  readonly random?: () => number;
}

/** The logical lines of a config and what went wrong while reading it. */
export interface ReadLinesResult {
  readonly lines: LogicalLine[];
  readonly diagnostics: Diagnostic[];
  /** Every file read, main file first. */
  readonly files: string[];
  /** False when the main file could not be read at all. */
  readonly mainFound: boolean;
}

/** Include nesting limit: a cycle is caught earlier; this only stops pathological globs. */
const MAX_INCLUDE_DEPTH = 32;
/** A bound on the total logical lines, so a runaway ~SEQ or definition can never hang Tandem. */
const MAX_LINES = 200000;
/** A bound on the work done, for inputs that expand to nothing forever (nested ~SEQ of definitions). */
const MAX_STEPS = 2000000;

interface Pending {
  readonly text: string;
  readonly loc: SourceLoc;
  readonly bindings?: readonly (readonly [string, string])[];
}

/** Files of an include glob not opened yet: opened one at a time, so the include chain stays exact. */
interface PendingFiles {
  readonly pending: string[];
  readonly includedAt: SourceLoc;
}

interface FileFrame {
  readonly file: string;
  /** Physical lines with their 1-based number (a line over MAXBUF yields several with one number). */
  readonly lines: { readonly text: string; readonly no: number; readonly col0: number }[];
  index: number;
  readonly chain: readonly SourceLoc[];
}

const at = (file: string, line: number, col: number, chain: readonly SourceLoc[]): SourceLoc =>
  chain.length === 0 ? { file, line, col } : { file, line, col, includedFrom: chain };

const INCLUDE_RE = /^include([rmwba]?)[ \t\f\v\r\n](.*)$/;

/** Reads a keepalived.conf and its includes into logical lines (never throws for bad input). */
export function readKeepalivedLines(mainFile: string, options: ReadLinesOptions): ReadLinesResult {
  const diagnostics: Diagnostic[] = [];
  const lines: LogicalLine[] = [];
  const files: string[] = [];
  const stack = new IncludeStack();
  const frames: (FileFrame | PendingFiles)[] = [];
  // Lines injected ahead of the file (brace residues, sequence rounds, multi-line definition bodies),
  // kept as a stack whose last element is read next, so injecting is cheap.
  const queue: Pending[] = [];
  const inject = (items: readonly Pending[]): void => {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item !== undefined) queue.push(item);
    }
  };
  const current = (): string => {
    for (let i = frames.length - 1; i >= 0; i--) {
      const f = frames[i];
      if (f !== undefined && 'file' in f) return f.file;
    }
    return mainFile;
  };
  const defs = new Definitions({
    pwd: () => dirname(current()),
    instance: options.configId,
    random: options.random ?? Math.random,
  });

  const open = (file: string, includedAt: SourceLoc | undefined): boolean => {
    const cycle = stack.enter(file, includedAt);
    if (cycle !== undefined) {
      // keepalived re-opens the file until it runs out of descriptors, logs "open problem" and
      // still exits 0; Tandem stops at once and says why, without changing the exit code.
      diagnostics.push(
        kaDiag('tandem', `${cycle.message} - not read again`, includedAt, 'TANDEM_KA_INCLUDE_CYCLE'),
      );
      return false;
    }
    if (stack.depth > MAX_INCLUDE_DEPTH) {
      stack.leave();
      diagnostics.push(kaDiag('general', `includes nested deeper than ${MAX_INCLUDE_DEPTH}`, includedAt));
      return false;
    }
    let text: string;
    try {
      if (statSync(file).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      text = readFileSync(file, 'latin1');
    } catch {
      stack.leave();
      return false;
    }
    files.push(file);
    // fgets(buf, MAXBUF) hands over at most 1023 bytes; the remainder becomes the next line.
    const physical: { text: string; no: number; col0: number }[] = [];
    const raws = text.split('\n');
    if (text.endsWith('\n')) raws.pop();
    raws.forEach((raw, n) => {
      for (let i = 0; i === 0 || i < raw.length; i += MAX_LINE - 1) {
        physical.push({ text: raw.slice(i, i + MAX_LINE - 1), no: n + 1, col0: i });
      }
    });
    frames.push({ file, lines: physical, index: 0, chain: [...stack.chain] });
    return true;
  };

  const include = (kind: string, pattern: string, loc: SourceLoc): void => {
    const found = resolveInclude(pattern, current(), loc, 'ignore');
    const usable = found.files.filter((f) => {
      try {
        const st = statSync(f);
        // check_glob_file: only regular, non-executable files are read.
        return st.isFile() && (st.mode & 0o111) === 0;
      } catch {
        return false;
      }
    });
    if (usable.length === 0) {
      // `include`/`includer`/`includeb` of a missing file is only logged (rc 0); the variants that
      // require the files (`includem`, `includew`, `includea`) make keepalived exit 6.
      const cls = kind === 'm' || kind === 'w' || kind === 'a' ? 'noconfig' : 'info';
      diagnostics.push(kaDiag(cls, `Config files missing '${pattern}'.`, loc));
      return;
    }
    frames.push({ pending: usable.map((f) => resolve(f)), includedAt: loc });
  };

  /** Processes one line after decomment; pushes logical lines or queued work. */
  const process = (input: string, loc: SourceLoc): void => {
    let text = input;
    if (defs.collecting) {
      defs.continueDefinition(text);
      return;
    }
    for (let rounds = 0; rounds < 64; rounds++) {
      let recheck = false;
      if (text.startsWith('@')) {
        const rev = text[1] === '^';
        const from = rev ? 2 : 1;
        const m = /[ \t]/.exec(text.slice(from));
        if (m === null) return;
        const id = text.slice(from, from + m.index);
        if ((id === options.configId) === rev) return;
        text = text.slice(from + m.index).replace(/^[ \t]+/, '');
      }
      if (text.startsWith('$') && defs.define(text)) return;
      if (text.startsWith('~SEQ') || text.startsWith('~LST')) {
        const isSeq = text[1] === 'S';
        const parsed = isSeq ? parseSeq(text, substituteParams) : parseLst(text);
        if (!parsed.ok) {
          diagnostics.push(kaDiag('general', parsed.message, loc));
          // read_line adds its own line after add_seq's message.
          if (isSeq) diagnostics.push(kaDiag('general', `Invalid ~SEQ specification '${text}'`, loc));
          return;
        }
        inject(parsed.rounds.map((r) => ({ text: r.text, loc, bindings: r.bindings })));
        return;
      }
      if (text.startsWith('~')) break;
      if (text.includes('$')) {
        const sub = defs.substitute(text);
        if (sub.overflow) {
          diagnostics.push(
            kaDiag('info', `Parameter substitution on line '${text}' would exceed maximum line length`, loc),
          );
        }
        if (!sub.changed) break;
        inject(sub.extraLines.map((t) => ({ text: t, loc })));
        const again = decomment(sub.text);
        text = again.text;
        recheck = text.startsWith('@') || text.includes('$');
      }
      if (!recheck) break;
    }
    if (text === '') return;
    const inc = INCLUDE_RE.exec(text);
    if (inc !== null) {
      include(inc[1] ?? '', (inc[2] ?? '').replace(/^[ \t]+/, ''), loc);
      return;
    }
    const split = splitBrace(text);
    lines.push({ text: split.head.text, loc });
    if (split.rest !== undefined) {
      inject([{ text: split.rest.text, loc: { ...loc, col: loc.col + split.rest.offset } }]);
    }
  };

  // ~SEQ parameters may themselves be definitions (add_seq runs replace_param on them).
  const substituteParams = (text: string): string => defs.substitute(text).text;

  const mainFound = open(resolve(mainFile), undefined);
  let steps = 0;
  while (lines.length < MAX_LINES && steps++ < MAX_STEPS) {
    const next = queue.pop();
    if (next !== undefined) {
      for (const [k, v] of next.bindings ?? []) defs.set(k, v);
      process(next.text, next.loc);
      continue;
    }
    const frame = frames[frames.length - 1];
    if (frame === undefined) break;
    if ('pending' in frame) {
      const nextFile = frame.pending.shift();
      if (nextFile === undefined) frames.pop();
      else open(nextFile, frame.includedAt);
      continue;
    }
    if (frame.index >= frame.lines.length) {
      frames.pop();
      stack.leave();
      continue;
    }
    const physical = frame.lines[frame.index];
    const lineNo = physical?.no ?? 1;
    const raw = (physical?.text ?? '').replace(/[\r\n]+$/, '');
    frame.index++;
    if (raw === '') {
      if (defs.collecting) defs.continueDefinition('');
      continue;
    }
    const dc = decomment(raw);
    const loc = at(frame.file, lineNo, (physical?.col0 ?? 0) + dc.offset + 1, frame.chain);
    if (dc.unterminatedQuote) diagnostics.push(kaDiag('general', `Unterminated quote '${dc.quoted}'`, loc));
    if (dc.text === '') continue;
    process(dc.text, loc);
  }
  if (lines.length >= MAX_LINES || steps >= MAX_STEPS) {
    diagnostics.push(
      kaDiag(
        'general',
        `configuration expands to more than ${MAX_LINES} lines - stopping`,
        at(resolve(mainFile), 1, 1, []),
      ),
    );
  }
  return { lines, diagnostics, files, mainFound };
}
