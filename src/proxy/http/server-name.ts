import { configError, type Diagnostic } from '../../core/diagnostic.js';
import { pcreToJs } from './location-match.js';

/**
 * The virtual servers sharing one listen address, and nginx's choice among them
 * (`ngx_http_find_virtual_server`, docs "How nginx processes a request" / "Server names"):
 * 1. the exact name; 2. the longest leading wildcard (`*.example.com`, and `.example.com` which
 * also matches `example.com`); 3. the longest trailing wildcard (`www.example.*`); 4. the first
 * matching regex (`~…`, case-insensitive) in config order; else the `default_server` of the
 * address, or its first server. Matching is case-insensitive; a trailing dot is ignored.
 */
export class VirtualHosts<T> {
  readonly #exact = new Map<string, T>();
  readonly #leading: { suffix: string; value: T }[] = [];
  readonly #trailing: { prefix: string; value: T }[] = [];
  readonly #regexes: { re: RegExp; value: T }[] = [];
  #default: T | undefined;
  #first: T | undefined;
  readonly diagnostics: Diagnostic[] = [];

  /** Adds one server block with its names; `isDefault` for `listen … default_server`. */
  add(names: readonly string[], value: T, isDefault: boolean): void {
    this.#first ??= value;
    if (isDefault) {
      if (this.#default !== undefined)
        this.diagnostics.push(configError('http.duplicate-default', 'a duplicate default server'));
      else this.#default = value;
    }
    for (const raw of names) this.#addName(raw, value);
    // Longest wildcard wins: keep both lists sorted by specificity.
    this.#leading.sort((a, b) => b.suffix.length - a.suffix.length);
    this.#trailing.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  #addName(raw: string, value: T): void {
    if (raw.startsWith('~')) {
      try {
        this.#regexes.push({ re: new RegExp(pcreToJs(raw.slice(1)), 'i'), value });
      } catch (err) {
        this.diagnostics.push(
          configError(
            'http.server-name-regex',
            `pcre_compile() failed: ${(err as Error).message} in "${raw}"`,
          ),
        );
      }
      return;
    }
    const name = raw.toLowerCase();
    if (name.startsWith('*.')) this.#addOnce(this.#leading, { suffix: name.slice(1), value });
    else if (name.startsWith('.')) {
      // ".example.com" is "example.com" plus "*.example.com".
      if (!this.#exact.has(name.slice(1))) this.#exact.set(name.slice(1), value);
      this.#addOnce(this.#leading, { suffix: name, value });
    } else if (name.endsWith('.*')) this.#trailing.push({ prefix: name.slice(0, -1), value });
    else if (name.includes('*')) {
      this.diagnostics.push(configError('http.server-name', `invalid server name or wildcard "${raw}"`));
    } else if (this.#exact.has(name)) {
      // nginx: a warning, the first server keeps the name.
      this.diagnostics.push({
        severity: 'warning',
        code: 'http.server-name-conflict',
        message: `conflicting server name "${raw}", ignored`,
      });
    } else this.#exact.set(name, value);
  }

  #addOnce(list: { suffix: string; value: T }[], entry: { suffix: string; value: T }): void {
    if (!list.some((e) => e.suffix === entry.suffix)) list.push(entry);
  }

  /** The server for a Host value (port and trailing dot stripped by the caller or here). */
  find(host: string | undefined): T | undefined {
    if (host === undefined || host === '') return this.#default ?? this.#first;
    const name = normalizeHost(host);
    const exact = this.#exact.get(name);
    if (exact !== undefined) return exact;
    for (const w of this.#leading)
      if (name.endsWith(w.suffix) && name.length > w.suffix.length) return w.value;
    for (const w of this.#trailing)
      if (name.startsWith(w.prefix) && name.length > w.prefix.length) return w.value;
    for (const r of this.#regexes) if (r.re.test(name)) return r.value;
    return this.#default ?? this.#first;
  }
}

/** `$host` from a Host header: lower case, no port, no trailing dot (nginx `ngx_http_validate_host`). */
export function normalizeHost(host: string): string {
  let h = host;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    h = end > 0 ? h.slice(0, end + 1) : h;
  } else {
    const colon = h.indexOf(':');
    if (colon >= 0) h = h.slice(0, colon);
  }
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h.toLowerCase();
}
