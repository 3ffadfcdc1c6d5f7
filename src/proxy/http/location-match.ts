import { configError, type Diagnostic } from '../../core/diagnostic.js';
import type { LocationMatchKind } from './types.js';

/** A location as the matcher sees it; `T` is whatever the caller attaches (its compiled route). */
export interface MatchableLocation<T> {
  readonly match: LocationMatchKind;
  readonly path: string;
  readonly value: T;
}

/** Converts a PCRE pattern as written in nginx.conf to a JavaScript RegExp source. */
export function pcreToJs(source: string): string {
  // (?P<name>…) and (?<name>…) are both PCRE named groups; JavaScript knows only the latter.
  return source.replace(/\(\?P</g, '(?<');
}

/**
 * nginx's location selection (`ngx_http_core_find_location`): an exact `=` match wins at once;
 * otherwise the longest matching prefix is remembered, and if it is `^~` the search stops;
 * otherwise the regexes are tried in config order and the first match wins; otherwise the
 * longest prefix is used. Nested locations are not modelled (the params are flat).
 */
export class LocationMatcher<T> {
  readonly #exact = new Map<string, T>();
  /** Prefix locations, longest first. */
  readonly #prefixes: { path: string; stop: boolean; value: T }[] = [];
  readonly #regexes: { re: RegExp; value: T }[] = [];

  /** Builds the matcher; bad regexes and duplicates become diagnostics and are skipped. */
  static build<T>(locations: readonly MatchableLocation<T>[]): {
    matcher: LocationMatcher<T>;
    diagnostics: Diagnostic[];
  } {
    const m = new LocationMatcher<T>();
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const loc of locations) {
      if (loc.match === '~' || loc.match === '~*') {
        try {
          m.#regexes.push({
            re: new RegExp(pcreToJs(loc.path), loc.match === '~*' ? 'i' : ''),
            value: loc.value,
          });
        } catch (err) {
          diagnostics.push(
            configError(
              'http.location-regex',
              `pcre_compile() failed: ${(err as Error).message} in "${loc.path}"`,
            ),
          );
        }
        continue;
      }
      const key = `${loc.match === '=' ? '=' : ''}${loc.path}`;
      if (seen.has(key)) {
        diagnostics.push(configError('http.location-duplicate', `duplicate location "${loc.path}"`));
        continue;
      }
      seen.add(key);
      if (loc.match === '=') m.#exact.set(loc.path, loc.value);
      else m.#prefixes.push({ path: loc.path, stop: loc.match === '^~', value: loc.value });
    }
    m.#prefixes.sort((a, b) => b.path.length - a.path.length);
    return { matcher: m, diagnostics };
  }

  /** The location serving `uri` (the normalized `$uri`), or undefined (nginx: 404 for a proxy-only server). */
  find(uri: string): T | undefined {
    const exact = this.#exact.get(uri);
    if (exact !== undefined) return exact;
    let prefix: { stop: boolean; value: T } | undefined;
    for (const p of this.#prefixes) {
      if (uri.startsWith(p.path)) {
        prefix = p;
        break;
      }
    }
    if (prefix?.stop === true) return prefix.value;
    for (const r of this.#regexes) if (r.re.test(uri)) return r.value;
    return prefix?.value;
  }
}
