/**
 * The keepalived.conf golden fixtures and how Tandem is run on them: a fixed host (interfaces
 * eth0, eth1, eth2 and p2, users root and nobody) and config id `nodeA`, the same facts the
 * differential test gives the real keepalived in its network namespace.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  fixedHost,
  keepalivedConfigTest,
  loadKeepalivedConfig,
  type KeepalivedLoad,
} from '../../../src/config/keepalived.js';
import { fixture } from '../../helpers/paths.js';

/** The directory of the keepalived fixtures. */
export const FIXTURE_DIR = fixture('keepalived');

/** Interfaces that exist for the fixtures (the differential test creates the same in its netns). */
export const FIXTURE_INTERFACES = ['eth0', 'eth1', 'eth2', 'p2'] as const;

/** The `-i` config id the fixtures' `@id` lines are written for. */
export const FIXTURE_CONFIG_ID = 'nodeA';

/** Every fixture case name (`<case>.conf` at the top of the directory). */
export function fixtureCases(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.conf'))
    .map((f) => f.slice(0, -'.conf'.length))
    .sort();
}

const options = () => ({
  host: fixedHost(FIXTURE_INTERFACES),
  configId: FIXTURE_CONFIG_ID,
  random: () => 0.5,
});

/** Loads one fixture the way the golden test does. */
export function loadFixture(name: string): KeepalivedLoad {
  return loadKeepalivedConfig(join(FIXTURE_DIR, `${name}.conf`), options());
}

/** Runs the config test on one fixture, with paths shown relative to the fixture directory. */
export function configTestFixture(name: string): { exitCode: number; lines: string[] } {
  const r = keepalivedConfigTest(join(FIXTURE_DIR, `${name}.conf`), options());
  return { exitCode: r.exitCode, lines: r.lines.map((l) => l.split(`${FIXTURE_DIR}/`).join('')) };
}
