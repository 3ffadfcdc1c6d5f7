import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NetLab } from '../helpers/netns.js';
import { cliPath, repoRoot } from '../helpers/paths.js';
import { requireRootIn } from '../helpers/require-root.js';

// Every ready example must pass `tandem -t` as it stands, and the keepalived ones the real
// `keepalived -t` too, on a host that has the interfaces and addresses they name (a namespace here).
const examples = join(repoRoot, 'examples');
const files = (suffix: RegExp) =>
  readdirSync(examples, { recursive: true, encoding: 'utf8' })
    .filter((f) => suffix.test(f))
    .sort()
    .map((f) => join(examples, f));

describe('the ready examples', () => {
  it('pass tandem -t, and keepalived -t agrees, on a host with their interfaces', async (t) => {
    if (!requireRootIn(t, ['keepalived'])) return;
    const lab = NetLab.create('examples', after);
    const host = await lab.addNamespace('lb');
    const peer = await lab.addNamespace('peer');
    for (const i of ['eth0', 'eth1', 'eth2']) await lab.veth(host, i, peer, i);
    await lab.addAddress(host, 'eth0', '198.51.100.254/24');
    const keepalivedFiles = files(/keepalived[^/]*\.conf$/);
    assert.ok(keepalivedFiles.length >= 8, 'the examples hold keepalived configs');
    for (const f of keepalivedFiles) {
      const tandem = await lab.exec(host, process.execPath, [cliPath, '-t', '-f', f]);
      assert.equal(tandem.code, 0, `tandem -t -f ${f}:\n${tandem.stderr}`);
      const real = await lab.exec(host, 'keepalived', ['-t', '-f', f]);
      assert.equal(real.code, 0, `keepalived -t -f ${f}:\n${real.stderr}`);
    }
    for (const f of files(/nginx\.conf$/)) {
      // Listeners on a VIP need the keepalived.conf beside them (or ip_nonlocal_bind, as nginx -t
      // would): alone, an address that is not on this host is refused, as nginx -t's bind() fails.
      const pair = keepalivedFiles.find((k) => dirname(k) === dirname(f));
      const args = [cliPath, '-t', ...(pair === undefined ? [] : ['-f', pair]), '--nginx', f];
      const r = await lab.exec(host, process.execPath, args);
      assert.equal(r.code, 0, `tandem ${args.slice(1).join(' ')}:\n${r.stderr}`);
    }
    for (const f of files(/tandem\.conf$/)) {
      const r = await lab.exec(host, process.execPath, [cliPath, '-t', '-c', f]);
      assert.equal(r.code, 0, `tandem -t -c ${f}:\n${r.stderr}`);
    }
  });
});
