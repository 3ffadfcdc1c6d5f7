/**
 * The entry points the CLI uses: `tandem -t` (keepalivedConfigTest) exit codes and message format,
 * `tandem -d` (dumpKeepalivedConfig) with secrets masked, and the model facts the VRRP engine relies on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dumpKeepalivedConfig } from '../../../src/config/keepalived-dump.js';
import { fixedHost, keepalivedConfigTest, loadKeepalivedConfig } from '../../../src/config/keepalived.js';
import { exitClassOf, kaDiag } from '../../../src/config/parse/keepalived-diag.js';
import { FIXTURE_DIR, FIXTURE_INTERFACES, loadFixture } from './fixtures.js';

const host = fixedHost(FIXTURE_INTERFACES);

describe('keepalived -t exit classes', () => {
  it('keeps the most severe class as keepalived config_test_exit does', () => {
    assert.equal(exitClassOf([]), 0);
    assert.equal(exitClassOf([kaDiag('info', 'x')]), 0);
    assert.equal(exitClassOf([kaDiag('tandem', 'x', undefined, 'TANDEM_KA_EXTRA_WORDS')]), 0);
    assert.equal(exitClassOf([kaDiag('fatal', 'x')]), 4);
    assert.equal(exitClassOf([kaDiag('fatal', 'x'), kaDiag('warning', 'y')]), 5);
    assert.equal(exitClassOf([kaDiag('general', 'x'), kaDiag('security', 'y')]), 6);
    assert.equal(exitClassOf([kaDiag('security', 'y'), kaDiag('abort', 'z')]), 2);
    assert.equal(exitClassOf([kaDiag('general', 'x'), kaDiag('noconfig', 'y')]), 6);
  });
  it('refuses a missing main file with exit 4 and a located message', () => {
    const r = keepalivedConfigTest(join(FIXTURE_DIR, 'no-such-file.conf'), { host });
    assert.equal(r.exitCode, 4);
    assert.match(r.lines[0] ?? '', /no-such-file\.conf:1:1: Config files missing/);
  });
  it('prints Tandem-only warnings without changing the exit code', () => {
    const r = keepalivedConfigTest(join(FIXTURE_DIR, 'extra-words-priority.conf'), {
      host,
      configId: 'nodeA',
    });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.lines, [
      `${join(FIXTURE_DIR, 'extra-words-priority.conf')}:4:18: warning: "advert_int 2" ignored: keepalived reads one statement per line (after "priority") [tandem]`,
    ]);
  });
});

describe('tandem -d dump', () => {
  it('masks auth_pass unless asked, and shows the truncated password when asked', () => {
    const load = loadKeepalivedConfig(join(FIXTURE_DIR, 'classic-master.conf'), { host });
    assert.ok(load.model);
    assert.match(dumpKeepalivedConfig(load.model), /"password": "\*\*\*"/);
    assert.match(dumpKeepalivedConfig(load.model, { showSecrets: true }), /"password": "1111"/);
    const backup = loadFixture('classic-backup').model;
    assert.equal(backup?.vrrpInstances[0]?.authentication?.password, 'longpass');
  });
  it('is canonical: sorted keys, stable across runs', () => {
    const a = loadFixture('sync-group-wan-lan').model;
    const b = loadFixture('sync-group-wan-lan').model;
    assert.ok(a && b);
    const dumped = dumpKeepalivedConfig(a);
    assert.equal(dumped, dumpKeepalivedConfig(b));
    const keys = Object.keys(JSON.parse(dumped) as Record<string, unknown>);
    assert.deepEqual(keys, [...keys].sort());
  });
});

describe('model defaults the VRRP engine relies on', () => {
  it('state MASTER without priority means 255; BACKUP default 100; advert 1 s in centiseconds', () => {
    assert.equal(loadFixture('master-no-priority').model?.vrrpInstances[0]?.priority, 255);
    const v = loadFixture('classic-backup').model?.vrrpInstances[0];
    assert.ok(v);
    assert.equal(v.priority, 100);
    assert.equal(v.advertIntCs, 100);
    assert.equal(v.garpMasterDelayMs, 5000);
    assert.equal(v.garpMasterRepeat, 5);
  });
  it('a vrrp_script weight defaults to 0 and track_script inherits it unless overridden', () => {
    const m = loadFixture('script-weights').model;
    assert.deepEqual(
      m?.vrrpInstances[0]?.trackScripts.map((t) => [t.name, t.weight, t.reverse]),
      [
        ['chk_nginx', -20, false],
        ['chk_other', 5, false],
      ],
    );
    assert.equal(loadFixture('sync-group-weights').model?.vrrpScripts.length, 1);
  });
  it('rounds a v2 advert_int to whole seconds and a v3 one to 10 ms', () => {
    assert.equal(loadFixture('v2-advert-rounded').model?.vrrpInstances[0]?.advertIntCs, 200);
    assert.equal(loadFixture('v3-advert-rounded').model?.vrrpInstances[0]?.advertIntCs, 2);
    assert.equal(loadFixture('v3-centiseconds').model?.vrrpInstances[0]?.advertIntCs, 50);
  });
  it('keeps the auth password lost by the one-statement-per-line rule out, as keepalived does', () => {
    assert.equal(loadFixture('extra-words-auth').model?.vrrpInstances[0]?.authentication, undefined);
  });
});

describe('cases where keepalived 2.2.7 -t itself misbehaves (no differential fixture)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-kaapi-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (text: string): { exitCode: number; lines: readonly string[] } => {
    const f = join(dir, 'k.conf');
    writeFileSync(f, text);
    return keepalivedConfigTest(f, { host, configId: 'nodeA' });
  };
  const instance = (extra: string): string =>
    `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  198.51.100.10/24\n }\n${extra}}\n`;
  it('reports an unknown track_file entry (keepalived -t hangs on it)', () => {
    const r = run(instance(' track_file {\n  nosuch\n }\n'));
    assert.equal(r.exitCode, 5);
    assert.match(r.lines.join('\n'), /:8:3: \(VI_1\) track file nosuch not found, ignoring\.\.\./);
  });
  it('checks a script run by a non-root user (keepalived -t kills itself, rc 143)', () => {
    const text = `global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script chk {\n script "/bin/true"\n user nobody\n}\n${instance(' track_script {\n  chk\n }\n')}`;
    const r = run(text);
    assert.equal(r.exitCode, 0, r.lines.join('\n'));
  });
});
