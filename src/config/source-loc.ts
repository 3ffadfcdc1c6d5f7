/**
 * A position in a configuration file, with the chain of `include` directives that led to it.
 * Lines and columns are 1-based, as editors and compilers print them.
 */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The `include` directives that pulled this file in, outermost first. */
  readonly includedFrom?: readonly SourceLoc[];
}

/** Renders a location as `file:line:col`, the form editors jump to. */
export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** Renders the include chain of a location as `(included from a.conf:3:1, b.conf:7:3)`, or ''. */
export function formatIncludeChain(loc: SourceLoc): string {
  const chain = loc.includedFrom;
  if (chain === undefined || chain.length === 0) return '';
  return ` (included from ${[...chain].reverse().map(formatLoc).join(', ')})`;
}
