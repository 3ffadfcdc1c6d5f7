import { configError, configWarning, type Diagnostic } from '../../../core/diagnostic.js';
import type { Directive, Word } from '../../directive.js';
import type { SourceLoc } from '../../source-loc.js';
import { normaliseIPv4, type HostResolver } from './resolve-host.js';
import { isNginxIPv4 } from './url.js';
import type { VariableUse } from './variables.js';

/** What every nginx block adapter shares: where to report, what to skip, how to resolve names. */
export class AdaptContext {
  readonly diagnostics: Diagnostic[] = [];
  /** `$name` uses in acted-on directives, checked against every definition once the whole file is read. */
  readonly variableUses: VariableUse[] = [];
  readonly #invalid: ReadonlySet<Directive>;
  readonly resolve: HostResolver;
  /** nginx 1.22 defaults `listen` to *:80 when started as root and *:8000 otherwise. */
  readonly defaultListenPort: number;

  constructor(invalid: ReadonlySet<Directive>, resolve: HostResolver, defaultListenPort: number) {
    this.#invalid = invalid;
    this.resolve = resolve;
    this.defaultListenPort = defaultListenPort;
  }

  /**
   * The addresses nginx would connect to or bind for a host at startup: the literal itself, or every
   * address the name resolves to, IPv4 first (ngx_inet_resolve_host adds AF_INET results first).
   */
  addressesOf(host: string, ipv6Literal: boolean): readonly string[] {
    if (ipv6Literal) return [host];
    if (isNginxIPv4(host)) return [normaliseIPv4(host)];
    const all = this.resolve(host);
    return [...all.filter((a) => !a.includes(':')), ...all.filter((a) => a.includes(':'))];
  }

  /** The directives of a block that the generic check accepted, in order. */
  valid(block: readonly Directive[] | undefined): Directive[] {
    return (block ?? []).filter((d) => !this.#invalid.has(d));
  }

  /** Reports an error nginx would stop on, at a directive or word. */
  error(at: Directive | Word | SourceLoc, message: string, code = 'TANDEM_NGINX_INVALID'): void {
    this.diagnostics.push(configError(code, message, 'loc' in at ? at.loc : at));
  }

  /** Reports a warning (nginx's own [warn] lines, and what Tandem does not honour). */
  warn(at: Directive | Word | SourceLoc, message: string, code = 'TANDEM_NGINX_WARN'): void {
    this.diagnostics.push(configWarning(code, message, 'loc' in at ? at.loc : at));
  }
}

/** The text of argument `i`, or '' (the generic check already enforced the count). */
export function arg(d: Directive, i: number): string {
  return d.args[i]?.text ?? '';
}
