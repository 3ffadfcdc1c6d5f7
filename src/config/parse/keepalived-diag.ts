/**
 * Diagnostics for keepalived.conf, tagged with the keepalived error class each one raises, so the
 * `-t` exit code can be computed the way keepalived's `config_test_exit` (core/main.c l.728) does:
 * the most severe class seen wins (lib/parser.h `config_err_t` order), and Tandem's own warnings
 * never count.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { SourceLoc } from '../source-loc.js';

/**
 * The class of a keepalived.conf diagnostic:
 * `info` keepalived only logs it (rc unchanged); `fatal` CONFIG_FILE_NOT_FOUND / CONFIG_BAD_IF /
 * CONFIG_FATAL (rc 4); `general` any other config error and `warning` CONFIG_WARNING / DEPRECATED
 * (rc 5); `security` CONFIG_SECURITY_ERROR (rc 6); `abort` a keyword missing its parameter, on which
 * keepalived exits at once with KEEPALIVED_EXIT_CONFIG (rc 2, lib/parser.c `null_strvec`); `noconfig` a
 * missing file named by `includem` / `includew` / `includea`, on which keepalived exits
 * KEEPALIVED_EXIT_NO_CONFIG (rc 6);
 * `tandem` a warning only Tandem gives (rc unchanged).
 */
export type KaClass = 'info' | 'fatal' | 'general' | 'warning' | 'security' | 'abort' | 'noconfig' | 'tandem';

const CODES: Record<Exclude<KaClass, 'tandem'>, string> = {
  info: 'KEEPALIVED_INFO',
  fatal: 'KEEPALIVED_CONFIG_FATAL',
  general: 'KEEPALIVED_CONFIG_ERROR',
  warning: 'KEEPALIVED_CONFIG_WARNING',
  security: 'KEEPALIVED_SECURITY_VIOLATION',
  abort: 'KEEPALIVED_MISSING_PARAMETER',
  noconfig: 'KEEPALIVED_NO_CONFIG',
};

/** The `keepalived -t` exit code a set of diagnostics deserves (2: a missing parameter stopped it). */
export type ExitClass = 0 | 2 | 4 | 5 | 6;

/** Builds a diagnostic of a keepalived class (or a Tandem-only one with its own `TANDEM_KA_*` code). */
export function kaDiag(cls: KaClass, message: string, loc?: SourceLoc, tandemCode?: string): Diagnostic {
  const code = cls === 'tandem' ? (tandemCode ?? 'TANDEM_KA_NOTE') : CODES[cls];
  const severity =
    cls === 'general' || cls === 'fatal' || cls === 'security' || cls === 'abort' || cls === 'noconfig'
      ? 'error'
      : 'warning';
  return loc === undefined ? { severity, code, message } : { severity, code, message, loc };
}

/** True for a warning Tandem adds beyond keepalived's own messages. */
export function isTandemOnly(d: Diagnostic): boolean {
  return d.code.startsWith('TANDEM_');
}

/** The class a diagnostic raises in keepalived's terms. */
export function classOf(d: Diagnostic): KaClass {
  switch (d.code) {
    case CODES.info:
      return 'info';
    case CODES.fatal:
      return 'fatal';
    case CODES.general:
      return 'general';
    case CODES.warning:
      return 'warning';
    case CODES.security:
      return 'security';
    case CODES.abort:
      return 'abort';
    case CODES.noconfig:
      return 'noconfig';
    default:
      // Shared loaders' own errors (unreadable file, include cycle) are configuration errors.
      return isTandemOnly(d) && d.severity === 'warning' ? 'tandem' : 'general';
  }
}

/** keepalived -t's exit code: 2 aborted, else 6 security, else 5 any error or warning, else 4 fatal, else 0. */
export function exitClassOf(list: readonly Diagnostic[]): ExitClass {
  if (list.some((d) => classOf(d) === 'abort')) return 2;
  let rc: ExitClass = 0;
  for (const d of list) {
    const c = classOf(d);
    if (c === 'security' || c === 'noconfig') return 6;
    if (c === 'general' || c === 'warning') rc = 5;
    else if (c === 'fatal' && rc === 0) rc = 4;
  }
  return rc;
}
