import { formatIncludeChain, formatLoc, type SourceLoc } from '../config/source-loc.js';

/** How bad a diagnostic is; a warning never stops a config from loading. */
export type Severity = 'error' | 'warning';

/**
 * A problem found in user input, as a value: a stable code, a message for people and where it is.
 * Bad input is always reported this way, never as a thrown stack trace (design.md §1).
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly loc?: SourceLoc;
}

/** Builds an error diagnostic. */
export function configError(code: string, message: string, loc?: SourceLoc): Diagnostic {
  return loc === undefined ? { severity: 'error', code, message } : { severity: 'error', code, message, loc };
}

/** Builds a warning diagnostic. */
export function configWarning(code: string, message: string, loc?: SourceLoc): Diagnostic {
  return loc === undefined
    ? { severity: 'warning', code, message }
    : { severity: 'warning', code, message, loc };
}

/** Renders `file:line:col: warning: message (included from ...)`; errors carry no severity word. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc === undefined ? '' : `${formatLoc(d.loc)}: `;
  const kind = d.severity === 'warning' ? 'warning: ' : '';
  const chain = d.loc === undefined ? '' : formatIncludeChain(d.loc);
  return `${where}${kind}${d.message}${chain}`;
}

/** True when any diagnostic in the list is an error. */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** A value together with the diagnostics found while producing it (caddy's adapter result). */
export interface Result<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}
