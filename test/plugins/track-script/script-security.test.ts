import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createMemoryLogger } from '../../../src/core/logger.js';
import { checkScriptSecurity } from '../../../src/core/script-security.js';
import type { ScriptTrackerConfig } from '../../../plugins/track-script/params.js';
import { ScriptTrackerService } from '../../../plugins/track-script/plugin.js';
import { rootOrSkip, scratchDir, testContext, writeScript } from './helpers.js';

const { dir, cleanup } = scratchDir('script-security');
after(cleanup);
const root = { uid: 0, gid: 0 };

/** Runs the plugin's init over one script and returns its log lines and whether it was kept. */
async function initWith(script: readonly string[], extra: Partial<ScriptTrackerConfig> = {}) {
  const t = testContext();
  const service = new ScriptTrackerService(t.ctx, {
    scripts: [{ name: 'chk', interval: 1000, script }],
    scriptUser: { user: 'root' },
    scriptSecurity: true,
    ...extra,
  });
  await service.init();
  await service.stop();
  return { lines: t.lines(), kept: service.trackers.has('chk'), published: t.trackers.get('script', 'chk') };
}

describe(
  'enable_script_security (keepalived check_script_secure)',
  { skip: !rootOrSkip('script security tests (root-owned paths)') },
  () => {
    it("refuses a world-writable script with keepalived's message", async () => {
      const path = writeScript(dir, 'ww.sh', 'exit 0', 0o777);
      const r = await initWith([path]);
      assert.equal(r.kept, false);
      assert.equal(r.published, undefined);
      assert.deepEqual(r.lines, [
        `Unsafe permissions found for script '${path}' - disabling.`,
        'Disabling track script chk due to insecure',
      ]);
    });

    it('refuses a script in a world-writable directory (no sticky bit)', async () => {
      const sub = join(dir, 'open');
      mkdirSync(sub);
      chmodSync(sub, 0o777);
      const path = writeScript(sub, 'chk.sh', 'exit 0');
      const r = await initWith([path]);
      assert.equal(r.kept, false);
      assert.ok(r.lines.includes(`Unsafe permissions found for script '${path}' - disabling.`));
    });

    it('accepts a sticky world-writable directory such as /tmp, and root-owned 0755 paths', async () => {
      const sticky = join(dir, 'sticky');
      mkdirSync(sticky);
      chmodSync(sticky, 0o1777);
      const path = writeScript(sticky, 'chk.sh', 'exit 0');
      const r = await initWith([path]);
      assert.equal(r.kept, true);
      assert.deepEqual(r.lines, []);
    });

    it('refuses a script that is not executable', async () => {
      const path = writeScript(dir, 'noexec.sh', 'exit 0', 0o644);
      const r = await initWith([path]);
      assert.equal(r.kept, false);
      assert.deepEqual(r.lines, [
        `WARNING - script '${path}' is not executable for uid:gid 0:0 - disabling.`,
      ]);
    });

    it('refuses a script that does not exist, by path and by bare name', async () => {
      const missing = join(dir, 'missing.sh');
      const r = await initWith([missing]);
      assert.deepEqual(r.lines, [
        `Script ${missing} cannot be accessed - No such file or directory`,
        'Disabling track script chk since not found/accessible',
      ]);
      const bare = await initWith(['tandem-no-such-command']);
      assert.deepEqual(bare.lines, [
        'Cannot find script tandem-no-such-command in path - disabling',
        'Disabling track script chk since not found/accessible',
      ]);
    });

    it('without script security an unsafe script still runs, with the SECURITY VIOLATION line', async () => {
      const path = writeScript(dir, 'ww2.sh', 'exit 0', 0o777);
      const r = await initWith([path], { scriptSecurity: false });
      assert.equal(r.kept, true);
      assert.deepEqual(r.lines, [
        `Unsafe permissions found for script '${path}'.`,
        'SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.',
      ]);
    });

    it('with script security and no keepalived_script user, scripts without a user are removed', async () => {
      const path = writeScript(dir, 'nouser.sh', 'exit 0');
      const r = await initWith([path], { scriptUser: undefined as never });
      assert.equal(r.kept, false);
      assert.deepEqual(r.lines, [
        'Unable to set default user keepalived_script for script',
        'Unable to set default user for vrrp script chk - removing',
      ]);
    });

    it("an unknown user removes the script with keepalived's lines", async () => {
      const path = writeScript(dir, 'baduser.sh', 'exit 0');
      const t = testContext();
      const service = new ScriptTrackerService(t.ctx, {
        scripts: [
          { name: 'chk', interval: 1000, script: [path, 'arg'], user: { user: 'tandem-no-such-user' } },
        ],
      });
      await service.init();
      assert.equal(service.trackers.size, 0);
      assert.deepEqual(t.lines(), [
        "Script user 'tandem-no-such-user' does not exist",
        `Unable to set uid/gid for script '${path}' 'arg'`,
      ]);
    });

    it("resolves bare names by path search with keepalived's warning, and keeps a symlink's name", async () => {
      const { logger, records } = createMemoryLogger();
      const r = await checkScriptSecurity(['true'], root, true, logger);
      assert.equal(r.flags.executable, true);
      assert.match(
        records[0]?.msg ?? '',
        /^WARNING - script `true` resolved by path search to `\/.*\/true`\. Please specify full path\.$/,
      );
      const target = writeScript(dir, 'target.sh', 'exit 0');
      // A link elsewhere resolves to the target; a same-directory alias keeps the name it was invoked by.
      mkdirSync(join(dir, 'links'));
      const link = join(dir, 'links', 'link.sh');
      symlinkSync(target, link);
      const viaLink = await checkScriptSecurity([link, 'x'], root, true, logger);
      assert.deepEqual(viaLink.argv, [target, 'x']);
      assert.equal(viaLink.flags.inhibit, false);
      const alias = join(dir, 'alias.sh');
      symlinkSync(target, alias);
      assert.deepEqual((await checkScriptSecurity([alias], root, true, logger)).argv, [alias]);
    });

    it('warns about a script without #! (keepalived with libmagic) and still runs it', async () => {
      const path = join(dir, 'noshebang.sh');
      writeFileSync(path, 'exit 0\n');
      chmodSync(path, 0o755);
      const r = await initWith([path]);
      assert.equal(r.kept, true);
      assert.deepEqual(r.lines, [`Please add a #! shebang to script ${path}`]);
    });

    it('hands `</path` openability tests to the shell without checks', async () => {
      const { logger, records } = createMemoryLogger();
      const r = await checkScriptSecurity(['</etc/hostname'], root, true, logger);
      assert.equal(r.flags.system, true);
      assert.equal(records.length, 0);
    });
  },
);
