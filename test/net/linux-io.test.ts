import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IpCommand } from '../../src/net/ip-command.js';
import { Agent } from '../helpers/agent.js';
import { NetLab, type Bridge } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { requireRoot } from '../helpers/require-root.js';
import { vrrpV2 } from '../helpers/vrrp-advert.js';

const ioAgent = join(repoRoot, 'dist', 'test', 'net', 'agents', 'io-agent.js');
const vrrpAgent = join(repoRoot, 'dist', 'test', 'net', 'agents', 'vrrp-agent.js');

describe(
  'LinuxVrrpIo: the effects of becoming MASTER, a crash, and a graceful stop',
  { skip: requireRoot(['tcpdump', 'arping']) },
  () => {
    const lab = NetLab.create('linuxio', after);
    let lan: Bridge;
    let a: string;
    let b: string;
    let c: string;
    let stateFile: string;
    let notifyOut: string;
    let options: object;

    const addrsOf = async (ns: string): Promise<string[]> => {
      const [link] = await new IpCommand({ netns: ns }).json<{
        addr_info: { local: string; label?: string }[];
      }>(['addr', 'show', 'dev', 'eth0']);
      return (link?.addr_info ?? []).map((x) =>
        x.label !== undefined && x.label !== 'eth0' ? `${x.local} ${x.label}` : x.local,
      );
    };
    const neighbour = async (address: string): Promise<string | undefined> =>
      (
        await new IpCommand({ netns: c }).json<{ dst: string; lladdr?: string }>([
          'neigh',
          'show',
          'dev',
          'eth0',
        ])
      ).find((n) => n.dst === address)?.lladdr;
    const startIo = async (opts: object): Promise<Agent> => {
      const ag = new Agent(lab.spawn(a, process.execPath, [ioAgent, JSON.stringify(opts)]));
      await ag.next((e) => e.event === 'ready' || e.event === 'fatal');
      return ag;
    };

    before(async () => {
      lan = await lab.addBridge();
      a = await lab.addNamespace('a');
      b = await lab.addNamespace('b');
      c = await lab.addNamespace('c');
      await lab.attach(a, 'eth0', lan, ['198.51.100.1/24', '198.51.100.77/24']);
      await lab.attach(b, 'eth0', lan, ['198.51.100.2/24']);
      await lab.attach(c, 'eth0', lan, ['198.51.100.3/24']);
      await lab.exec(c, 'sysctl', ['-qw', 'net.ipv4.neigh.eth0.locktime=0']);
      stateFile = join(lab.tmp, 'owned.json');
      notifyOut = join(lab.tmp, 'notify.txt');
      const script = join(lab.tmp, 'notify.sh');
      writeFileSync(script, `#!/bin/sh\necho "$*" >> '${notifyOut}'\n`);
      chmodSync(script, 0o755);
      options = {
        stateFile,
        instances: [
          {
            name: 'VI_1',
            interface: 'eth0',
            family: 'ipv4',
            notify: { master: `${script} master`, generic: script },
          },
          { name: 'VI_2', interface: 'eth0', family: 'ipv4', source: '198.51.100.77' },
        ],
      };
    });

    test('advert, VIPs, GARP and notify on becoming MASTER; kill -9 releases the VIP; a stale one is removed at the next start', async () => {
      const rx = new Agent(
        lab.spawn(b, process.execPath, [vrrpAgent, JSON.stringify({ family: 'ipv4', interface: 'eth0' })]),
      );
      await rx.next((e) => e.event === 'ready');
      await lab.ip(c, [
        'neigh',
        'replace',
        '198.51.100.100',
        'lladdr',
        await lab.mac(b, 'eth0'),
        'dev',
        'eth0',
        'nud',
        'stale',
      ]);
      const io = await startIo(options);
      assert.deepEqual(io.events()[0], { event: 'ready', sources: ['198.51.100.1', '198.51.100.77'] });
      // Two instances on eth0: an advert from the peer is delivered once, not once per socket.
      rx.command({
        op: 'send',
        dst: '224.0.0.18',
        payload: vrrpV2(82, 100, ['198.51.100.101']).toString('hex'),
      });
      const inbound = await io.next((e) => e.event === 'packet');
      assert.deepEqual([inbound.interface, inbound.src, inbound.ttl], ['eth0', '198.51.100.2', 255]);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(io.events().filter((e) => e.event === 'packet').length, 1);
      const advert = vrrpV2(81, 150, ['198.51.100.100']);
      const run = async (effect: object): Promise<void> => {
        io.command({ op: 'effect', effect });
        await io.next((e) => e.event === 'done');
      };
      await run({
        type: 'send-advert',
        instance: 'VI_1',
        src: '198.51.100.1',
        packets: [{ dst: '224.0.0.18', payload: advert.toString('hex') }],
      });
      const got = await rx.next((e) => e.event === 'packet');
      assert.deepEqual([got.src, got.ttl, got.payload], ['198.51.100.1', 255, advert.toString('hex')]);
      const vip = { address: '198.51.100.100', prefixLength: 24, options: { label: 'eth0:vip', brd: '+' } };
      await run({ type: 'add-vips', instance: 'VI_1', interface: 'eth0', vips: [vip] });
      assert.ok((await addrsOf(a)).includes('198.51.100.100 eth0:vip'));
      await run({
        type: 'send-garp',
        instance: 'VI_1',
        interface: 'eth0',
        family: 'ipv4',
        addresses: ['198.51.100.100'],
        repeat: 5,
        intervalMs: 0,
      });
      const macA = await lab.mac(a, 'eth0');
      for (let i = 0; i < 100 && (await neighbour('198.51.100.100')) !== macA; i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.equal(await neighbour('198.51.100.100'), macA, 'the client moved to the new master');
      await run({ type: 'notify', scope: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 });
      for (let i = 0; i < 100 && readFileSyncSafe(notifyOut).length < 2; i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(readFileSyncSafe(notifyOut).sort(), ['INSTANCE VI_1 MASTER 150', 'master']);

      // kill -9: the daemon's `ip` session sees its input end and deletes what the state file lists.
      const recorded = readFileSync(stateFile, 'utf8');
      const killedAt = Date.now();
      io.process.kill('SIGKILL');
      await io.process.exited;
      let released = -1;
      for (let i = 0; i < 200 && released < 0; i++) {
        if (!(await addrsOf(a)).some((x) => x.startsWith('198.51.100.100'))) released = Date.now() - killedAt;
        else await new Promise((r) => setTimeout(r, 5));
      }
      process.stdout.write(`# kill -9 -> VIP released after ${released} ms\n`);
      assert.ok(released >= 0, 'a crashed daemon still holds the VIP after 1 s');
      assert.ok(
        (await addrsOf(a)).includes('198.51.100.77') && (await addrsOf(a)).includes('198.51.100.1'),
        'the release left foreign addresses alone',
      );
      // A crash the release could not follow (the whole service killed at once): the record and the
      // VIP are both still there, and the next start removes the VIP.
      writeFileSync(stateFile, recorded);
      await lab.ip(a, ['addr', 'add', '198.51.100.100/24', 'dev', 'eth0', 'label', 'eth0:vip', 'brd', '+']);
      const io2 = await startIo(options);
      assert.equal(io2.events()[0]!.event, 'ready');
      const left = await addrsOf(a);
      assert.ok(!left.some((x) => x.startsWith('198.51.100.100')), 'the stale VIP was removed at start');
      assert.ok(
        left.includes('198.51.100.77') && left.includes('198.51.100.1'),
        'foreign addresses untouched',
      );

      io2.command({
        op: 'effect',
        effect: { type: 'add-vips', instance: 'VI_1', interface: 'eth0', vips: [vip] },
      });
      await io2.next((e) => e.event === 'done');
      io2.command({ op: 'stop' });
      await io2.next((e) => e.event === 'stopped');
      assert.deepEqual(
        (await addrsOf(a)).filter((x) => x.startsWith('198.51.100.')),
        ['198.51.100.1', '198.51.100.77'],
      );
      assert.deepEqual((JSON.parse(readFileSync(stateFile, 'utf8')) as { entries: unknown[] }).entries, []);
      rx.command({ op: 'close' });
    });

    test('an instance on a missing interface fails at start, naming it and the instance', async () => {
      const io = await startIo({
        stateFile,
        instances: [{ name: 'VI_9', interface: 'eth9', family: 'ipv4' }],
      });
      const fatal = io.events()[0]!;
      assert.equal(fatal.code, 'TANDEM_ERR_NO_INTERFACE');
      assert.match(fatal.message as string, /^interface eth9 does not exist \(vrrp_instance VI_9\)$/);
    });
  },
);

function readFileSyncSafe(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}
