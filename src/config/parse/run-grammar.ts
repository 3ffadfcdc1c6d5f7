import nearley from 'nearley';
import { configError, type Diagnostic } from '../../core/diagnostic.js';
import type { SourceLoc } from '../source-loc.js';

/** A compiled nearley grammar as nearleyc emits it. */
export interface CompiledGrammar {
  readonly Lexer: unknown;
  readonly ParserRules: unknown[];
  readonly ParserStart: string;
}

/** The outcome of running a grammar over one file's text. */
export type GrammarOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Diagnostic };

interface NearleyTokenError {
  /** `message` is set by a grammar's lexer wrapper that reports in the program's own words (grammar/nginx.ne). */
  token?: { value?: unknown; line?: number; col?: number; text?: string; message?: unknown };
  offset?: number;
}

function lastLineCol(text: string): { line: number; col: number } {
  const lines = text.split('\n');
  return { line: lines.length, col: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/**
 * Runs a nearley grammar and turns every failure into one located diagnostic: an unexpected token
 * at its line and column, an incomplete file at its end. Never throws for any input.
 */
export function runGrammar<T>(
  grammar: CompiledGrammar,
  text: string,
  file: string,
  chain: readonly SourceLoc[] = [],
): GrammarOutcome<T> {
  const at = (line: number, col: number): SourceLoc =>
    chain.length === 0 ? { file, line, col } : { file, line, col, includedFrom: chain };
  const parser = new nearley.Parser(nearley.Grammar.fromCompiled(grammar as nearley.CompiledRules));
  try {
    parser.feed(text);
  } catch (err) {
    const e = err as NearleyTokenError;
    const tok = e.token;
    if (tok?.line !== undefined && tok.col !== undefined) {
      const shown = tok.text ?? (typeof tok.value === 'string' ? tok.value : '');
      const message = typeof tok.message === 'string' ? tok.message : `unexpected "${shown}"`;
      return { ok: false, error: configError('TANDEM_CONFIG_SYNTAX', message, at(tok.line, tok.col)) };
    }
    // moo throws for text no rule matches; its message carries "line N col M".
    const m = /line (\d+) col (\d+)/.exec(err instanceof Error ? err.message : '');
    const line = m ? Number(m[1]) : 1;
    const col = m ? Number(m[2]) : 1;
    return { ok: false, error: configError('TANDEM_CONFIG_SYNTAX', 'invalid character', at(line, col)) };
  }
  const results = parser.results as T[];
  const first = results[0];
  if (first === undefined) {
    const end = lastLineCol(text);
    return {
      ok: false,
      error: configError(
        'TANDEM_CONFIG_UNEXPECTED_EOF',
        'unexpected end of file, expecting ";" or "}"',
        at(end.line, end.col),
      ),
    };
  }
  return { ok: true, value: first };
}
