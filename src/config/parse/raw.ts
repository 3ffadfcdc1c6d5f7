import type { Directive, Word } from '../directive.js';
import type { SourceLoc } from '../source-loc.js';

/** A word as a grammar's postprocessor produces it: text and 1-based position, no file yet. */
export interface RawWord {
  readonly text: string;
  readonly line: number;
  readonly col: number;
  readonly quoted: boolean;
}

/** A directive as a grammar produces it, before file names and include chains are attached. */
export interface RawDirective {
  readonly name: RawWord;
  readonly args: readonly RawWord[];
  readonly block?: readonly RawDirective[];
}

function locOf(w: { line: number; col: number }, file: string, chain: readonly SourceLoc[]): SourceLoc {
  return chain.length === 0
    ? { file, line: w.line, col: w.col }
    : { file, line: w.line, col: w.col, includedFrom: chain };
}

/** Attaches the file and include chain to a raw word. */
export function toWord(raw: RawWord, file: string, chain: readonly SourceLoc[]): Word {
  return { text: raw.text, loc: locOf(raw, file, chain), quoted: raw.quoted };
}

/** Attaches the file and include chain to every node of a raw tree. */
export function toDirectives(
  raw: readonly RawDirective[],
  file: string,
  chain: readonly SourceLoc[] = [],
): Directive[] {
  return raw.map((r) => {
    const base = {
      name: r.name.text,
      args: r.args.map((a) => toWord(a, file, chain)),
      loc: locOf(r.name, file, chain),
    };
    return r.block === undefined ? base : { ...base, block: toDirectives(r.block, file, chain) };
  });
}
