/**
 * Builds the generic directive tree from keepalived's logical lines: each line is tokenised by the
 * nearley grammar (grammar/keepalived.ne), a `{` line opens a block for the directive on the line
 * before it, a `}` line closes it. Unbalanced braces are reported as keepalived reports them
 * (`Extra '}' found`, `There are N missing '}'s or extra '{'s`) and parsing goes on.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Directive, Word } from '../directive.js';
import type { SourceLoc } from '../source-loc.js';
import grammar from './generated/keepalived.generated.js';
import { kaDiag } from './keepalived-diag.js';
import type { LogicalLine } from './keepalived-lines.js';
import { runGrammar } from './run-grammar.js';
import type { RawWord } from './raw.js';

type LineToken = RawWord | { readonly unterminated: true; readonly col: number };

interface Node {
  name: string;
  args: Word[];
  block?: Node[];
  loc: SourceLoc;
}

/** Splits one logical line into words with their locations; reports an unmatched quote. */
export function tokenizeLine(line: LogicalLine, diagnostics: Diagnostic[]): Word[] {
  const out = runGrammar<LineToken[]>(grammar, line.text, line.loc.file);
  if (!out.ok) {
    diagnostics.push(kaDiag('general', `cannot read line '${line.text}'`, line.loc));
    return [];
  }
  const words: Word[] = [];
  for (const t of out.value) {
    if ('unterminated' in t) {
      diagnostics.push(
        kaDiag('general', `Unmatched quote: '${line.text}'`, { ...line.loc, col: line.loc.col + t.col - 1 }),
      );
      break;
    }
    words.push({ text: t.text, quoted: t.quoted, loc: { ...line.loc, col: line.loc.col + t.col - 1 } });
  }
  return words;
}

/**
 * Builds the directive tree of a keepalived.conf from its logical lines. `rawLines` receives, for each
 * directive, the logical line it came from: script keywords re-split that raw text (keepalived's
 * `buf_extern`), since single quotes and escapes only mean something there.
 */
export function buildKeepalivedTree(
  lines: readonly LogicalLine[],
  diagnostics: Diagnostic[],
  rawLines?: WeakMap<Directive, string>,
): Directive[] {
  const root: Node[] = [];
  // Each level: the list being filled, and the node that owns it (undefined for a stray '{').
  const levels: { list: Node[]; owner: Node | undefined; openedAt: SourceLoc }[] = [];
  let current = root;
  let previous: Node | undefined;
  for (const line of lines) {
    const words = tokenizeLine(line, diagnostics);
    const first = words[0];
    if (first === undefined) continue;
    if (first.text === '{' && words.length === 1) {
      if (previous !== undefined && previous.block === undefined) {
        previous.block = [];
        levels.push({ list: current, owner: previous, openedAt: first.loc });
        current = previous.block;
      } else {
        diagnostics.push(kaDiag('general', "Unexpected '{' - ignoring", first.loc));
        levels.push({ list: current, owner: undefined, openedAt: first.loc });
      }
      previous = undefined;
      continue;
    }
    if (first.text === '}' && words.length === 1) {
      const level = levels.pop();
      if (level === undefined) {
        diagnostics.push(kaDiag('general', "Extra '}' found", first.loc));
        diagnostics.push(kaDiag('general', "Unknown keyword '}'", first.loc));
      } else current = level.list;
      previous = undefined;
      continue;
    }
    const node: Node = { name: first.text, args: words.slice(1), loc: first.loc };
    current.push(node);
    rawLines?.set(node, line.text);
    previous = node;
  }
  if (levels.length > 0) {
    const open = levels[levels.length - 1];
    diagnostics.push(
      kaDiag('general', `There are ${levels.length} missing '}'s or extra '{'s`, open?.openedAt),
    );
  }
  return root;
}
