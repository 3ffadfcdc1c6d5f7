import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ScriptTrackerService } from '../../../plugins/track-script/plugin.js';
import type { ScriptTrackerParams } from '../../../plugins/track-script/params.js';
import { scratchDir, testContext, writeScript } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const keepalived = ['/usr/sbin/keepalived', '/sbin/keepalived'].find((p) => existsSync(p));
const missing = !isRoot ? 'root' : keepalived === undefined ? 'keepalived' : undefined;
if (missing !== undefined) {
  const msg = `SKIPPED keepalived parity test for tracker.script: needs ${missing}`;
  if (process.env['CI'] === 'true') throw new Error(`${msg} (CI=true makes this a failure)`);
  console.warn(`\n*** ${msg} ***\n`);
}

/** The lines both daemons must print identically (state lines and script-security refusals). */
const compared =
  /^(VRRP_Script\(|Script `|Unsafe permissions|WARNING - script|Script \/|Cannot find script|Disabling track script)/;
const RUN_MS = 4500;

describe(
  'tracker.script prints what keepalived 2.2.7 prints for the same scripts',
  { skip: missing !== undefined },
  () => {
    const { dir, cleanup } = scratchDir('ka-parity');
    const ns = `tdm-trkka-${process.pid}`;
    after(() => {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // Not created.
      }
      cleanup();
    });

    // keepalived 2.2.7 takes whole seconds: interval 1 s; the hang gets interval 2 s, timeout 1 s.
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const scripts: ScriptTrackerParams[] = [
      { name: 'chk_ok', interval: 1000, script: [writeScript(dir, 'ok.sh', 'exit 0')] },
      { name: 'chk_fail', interval: 1000, script: [writeScript(dir, 'fail.sh', 'exit 1')] },
      { name: 'chk_sig', interval: 1000, script: [writeScript(dir, 'sig.sh', 'kill -9 $$')] },
      { name: 'chk_hang', interval: 2000, timeout: 1000, script: [writeScript(dir, 'hang.sh', 'sleep 30')] },
      { name: 'chk_ww', interval: 1000, script: [writeScript(dir, 'ww.sh', 'exit 0', 0o777)] },
      { name: 'chk_dir', interval: 1000, script: [writeScript(open, 'd.sh', 'exit 0')] },
      { name: 'chk_noexec', interval: 1000, script: [writeScript(dir, 'noexec.sh', 'exit 0', 0o644)] },
      { name: 'chk_missing', interval: 1000, script: [join(dir, 'missing.sh')] },
      { name: 'chk_bare', interval: 1000, script: ['tandem-no-such-command'] },
    ];

    async function keepalivedLines(): Promise<string[]> {
      const conf = join(dir, 'keepalived.conf');
      const blocks = scripts.map((s) => {
        const timing = `interval ${s.interval / 1000}${s.timeout === undefined ? '' : `\n  timeout ${s.timeout / 1000}`}`;
        return `vrrp_script ${s.name} {\n  script "${s.script.join(' ')}"\n  ${timing}\n  weight 10\n}`;
      });
      writeFileSync(
        conf,
        [
          'global_defs {\n  enable_script_security\n  script_user root\n}',
          ...blocks,
          `vrrp_instance VI_1 {\n  interface tka0\n  virtual_router_id 61\n  priority 100\n` +
            `  virtual_ipaddress { 198.51.100.62 }\n  track_script {\n${scripts.map((s) => `    ${s.name}`).join('\n')}\n  }\n}`,
        ].join('\n'),
      );
      execFileSync('ip', ['netns', 'add', ns]);
      execFileSync('ip', ['-n', ns, 'link', 'add', 'tka0', 'type', 'veth', 'peer', 'name', 'tka1']);
      execFileSync('ip', ['-n', ns, 'addr', 'add', '198.51.100.61/24', 'dev', 'tka0']);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'tka0', 'up']);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'tka1', 'up']);
      const pidArgs = ['p', 'r', 'c', 'b'].flatMap((f) => [`-${f}`, join(dir, `${f}.pid`)]);
      const child = spawn(
        'ip',
        ['netns', 'exec', ns, keepalived ?? '', '-n', '-l', '-D', '-P', '-f', conf, ...pidArgs],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, RUN_MS));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      // `Fri Nov 20 22:22:08 2026: message` → `message`
      return out.split('\n').map((l) => l.replace(/^\w{3} \w{3} +\d+ [\d:]+ \d{4}: /, ''));
    }

    async function tandemLines(): Promise<string[]> {
      const t = testContext();
      const service = new ScriptTrackerService(t.ctx, {
        scripts: scripts.map((s) => ({ ...s, weight: 10 })),
        scriptSecurity: true,
        scriptUser: { user: 'root' },
      });
      await service.init();
      service.start();
      await new Promise((r) => setTimeout(r, RUN_MS));
      await service.stop();
      return t.lines();
    }

    it('the same state lines and refusals, as sets', async () => {
      const [ka, ours] = [await keepalivedLines(), await tandemLines()];
      const pick = (lines: string[]) => [...new Set(lines.filter((l) => compared.test(l)))].sort();
      const expected = pick(ka);
      // Guard against a vacuous pass: keepalived really produced each kind of line.
      for (const line of [
        'VRRP_Script(chk_ok) succeeded',
        'VRRP_Script(chk_fail) failed (exited with status 1)',
        'VRRP_Script(chk_sig) failed (due to signal 9)',
        'VRRP_Script(chk_hang) timed_out',
        'Disabling track script chk_dir due to insecure',
        'Cannot find script tandem-no-such-command in path - disabling',
      ]) {
        assert.ok(expected.includes(line), `keepalived did not print "${line}":\n${ka.join('\n')}`);
      }
      assert.deepEqual(pick(ours), expected);
    });
  },
);
