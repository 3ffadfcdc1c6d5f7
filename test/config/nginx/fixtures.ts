import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../../helpers/paths.js';
import type { HostResolver } from '../../../src/config/adapt/nginx/resolve-host.js';

/** The directory of the nginx golden fixtures. */
export const FIXTURES = fixture('nginx');

/** Every top-level fixture (`includes/` holds files they include, not cases). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.conf'))
    .map((f) => f.slice(0, -'.conf'.length))
    .sort();
}

/** The path of one fixture. */
export function fixturePath(name: string, ext = '.conf'): string {
  return join(FIXTURES, `${name}${ext}`);
}

/** Replaces the machine-specific fixture directory with a stable token, for goldens. */
export function portable(text: string): string {
  return text.split(FIXTURES).join('<fixtures>');
}

/**
 * A resolver that needs no DNS: fixtures only name IP literals and `localhost` (nginx -t resolves
 * host names at startup, and the differential test runs the real nginx on the same files).
 */
export const fixtureResolver: HostResolver = (host) =>
  host === 'localhost' ? ['127.0.0.1'] : /^[0-9.:]+$/.test(host) ? [host] : [];
