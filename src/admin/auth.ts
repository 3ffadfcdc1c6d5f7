import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The cookie the dashboard's login form sets; it holds a digest of the token, never the token. */
export const SESSION_COOKIE = 'tandem_admin';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Compares a presented secret with the configured one in constant time: both are hashed first, so
 * neither the content nor the length leaks through timing (crypto.timingSafeEqual needs equal lengths).
 */
export function secretMatches(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

/** The session cookie value for a token: an HMAC, so a response never carries the token itself. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('tandem-admin-session').digest('hex');
}

/** The bearer token in an `Authorization` header, if any. */
export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** The value of one cookie in a `Cookie` header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Whether a request carries the token, as `Authorization: Bearer TOKEN` (Prometheus' `bearer_token`,
 * curl) or as the dashboard's session cookie (a browser's EventSource cannot send headers).
 */
export function isAuthorized(
  token: string,
  headers: { readonly authorization?: string | undefined; readonly cookie?: string | undefined },
): boolean {
  const bearer = bearerOf(headers.authorization);
  if (bearer !== undefined) return secretMatches(token, bearer);
  const cookie = cookieOf(headers.cookie, SESSION_COOKIE);
  return cookie !== undefined && secretMatches(sessionValue(token), cookie);
}
