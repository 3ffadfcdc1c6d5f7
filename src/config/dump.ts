/** Model field names that hold secrets; `-d` and the admin `/config` show them as "***". */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'authPass',
  'auth_pass',
  'token',
  'password',
  'secret',
]);

function canonical(value: unknown, mask: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, mask));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      out[key] = mask && SECRET_KEYS.has(key) && typeof v === 'string' ? '***' : canonical(v, mask);
    }
    return out;
  }
  return value;
}

/**
 * Renders a model as canonical JSON: keys sorted at every level, two-space indent, a final newline,
 * secrets masked unless `showSecrets`. Golden tests and `tandem -d` compare this text.
 */
export function canonicalJson(value: unknown, options: { showSecrets?: boolean } = {}): string {
  return `${JSON.stringify(canonical(value, options.showSecrets !== true), null, 2)}\n`;
}

/** The same value with secrets masked, for the admin API. */
export function maskSecrets<T>(value: T): unknown {
  return canonical(value, true);
}
