import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GratuitousArp } from '../../src/net/gratuitous-arp.js';
import { IpCommand } from '../../src/net/ip-command.js';
import { Agent } from '../helpers/agent.js';
import { NetLab } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { parseArp, parseEthernet } from '../helpers/pcap.js';
import { requireRoot } from '../helpers/require-root.js';

const naAgent = join(repoRoot, 'dist', 'test', 'net', 'agents', 'na-agent.js');

describe('gratuitous ARP and unsolicited NA', { skip: requireRoot(['tcpdump', 'arping']) }, () => {
  const lab = NetLab.create('neigh', after);
  let a: string;
  let b: string;
  let c: string;
  let macA: string;
  let macB: string;

  /** The client's neighbour entry for an address: its MAC, or undefined. */
  const neighbour = async (address: string): Promise<string | undefined> => {
    const list = await new IpCommand({ netns: c }).json<{ dst: string; lladdr?: string }>([
      'neigh',
      'show',
      'dev',
      'eth0',
    ]);
    return list.find((n) => n.dst === address)?.lladdr;
  };

  before(async () => {
    const lan = await lab.addBridge();
    a = await lab.addNamespace('a');
    b = await lab.addNamespace('b');
    c = await lab.addNamespace('c');
    await lab.attach(a, 'eth0', lan, ['198.51.100.1/24', '2001:db8::1/64']);
    await lab.attach(b, 'eth0', lan, ['198.51.100.2/24', '2001:db8::2/64']);
    await lab.attach(c, 'eth0', lan, ['198.51.100.3/24', '2001:db8::3/64']);
    macA = await lab.mac(a, 'eth0');
    macB = await lab.mac(b, 'eth0');
    // The client learned the VIP at the old master (B). Linux ignores an ARP update within `locktime`
    // (1 s) of the entry's last change; the entry is fresh here, so lift that for the test.
    await lab.exec(c, 'sysctl', ['-qw', 'net.ipv4.neigh.eth0.locktime=0']);
  });

  test('a GARP burst (request, sender = target = VIP, broadcast) moves the client entry to the new master', async () => {
    await lab.addAddress(a, 'eth0', '198.51.100.100/24');
    await lab.ip(c, ['neigh', 'replace', '198.51.100.100', 'lladdr', macB, 'dev', 'eth0', 'nud', 'stale']);
    assert.equal(await neighbour('198.51.100.100'), macB);
    const cap = await lab.capture(c, 'eth0', 'arp');
    const garp = new GratuitousArp({ netns: a });
    const t0 = Date.now() / 1000;
    await garp.send('eth0', ['198.51.100.100'], 5, 0);
    const frames = await cap.stop();
    assert.equal(frames.length, 5, 'garp_master_repeat 5');
    for (const f of frames) {
      const eth = parseEthernet(f.data);
      assert.equal(eth.dst, 'ff:ff:ff:ff:ff:ff');
      assert.equal(eth.type, 0x0806);
      assert.deepEqual(parseArp(eth.payload), {
        op: 1,
        senderMac: macA,
        senderIp: '198.51.100.100',
        targetMac: 'ff:ff:ff:ff:ff:ff',
        targetIp: '198.51.100.100',
      });
    }
    const last = Math.max(...frames.map((f) => f.time)) - t0;
    process.stdout.write(`# GARP burst of 5: last frame ${(last * 1000).toFixed(1)} ms after send()\n`);
    assert.ok(last < 0.5, 'the burst is on the wire well within a second');
    assert.equal(await neighbour('198.51.100.100'), macA);
    assert.equal(garp.running, 0);
  });

  test('garp_interval spaces the rounds', async () => {
    const cap = await lab.capture(c, 'eth0', 'arp');
    await new GratuitousArp({ netns: a }).send('eth0', ['198.51.100.100'], 3, 200);
    const times = (await cap.stop()).map((f) => f.time);
    assert.equal(times.length, 3);
    // Rounds start 200 ms apart; each packet leaves after its arping process starts, which jitters.
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 0.12, `round ${i} spaced`);
    assert.ok(times[2]! - times[0]! >= 0.35, 'two intervals between the first and the last round');
  });

  test('unsolicited NA (from the VIP to ff02::1, hop limit 255, Override) moves the client entry', async () => {
    await lab.addAddress(a, 'eth0', '2001:db8::66/64');
    await lab.ip(c, [
      '-6',
      'neigh',
      'replace',
      '2001:db8::66',
      'lladdr',
      macB,
      'dev',
      'eth0',
      'nud',
      'stale',
    ]);
    assert.equal(await neighbour('2001:db8::66'), macB);
    const cap = await lab.capture(c, 'eth0', 'icmp6 and ip6[40] == 136');
    const ag = new Agent(lab.spawn(a, process.execPath, [naAgent, 'eth0', '5', '2001:db8::66']));
    const sent = await ag.next((e) => e.event === 'sent' || e.event === 'fatal');
    assert.equal(sent.event, 'sent', JSON.stringify(sent));
    await new Promise((r) => setTimeout(r, 100));
    const frames = await cap.stop();
    assert.equal(frames.length, 5);
    const eth = parseEthernet(frames[0]!.data);
    assert.equal(eth.dst, '33:33:00:00:00:01');
    assert.equal(eth.src, macA);
    const ip6 = eth.payload;
    assert.equal(ip6[7], 255, 'hop limit 255');
    assert.equal(
      ip6.subarray(8, 24).toString('hex'),
      '20010db8000000000000000000000066',
      'source is the VIP',
    );
    assert.equal(ip6.subarray(24, 40).toString('hex'), 'ff020000000000000000000000000001');
    const na = ip6.subarray(40);
    assert.equal(na[0], 136);
    assert.equal(na[4], 0x20, 'Override set, Solicited and Router clear (no forwarding)');
    assert.equal(na.subarray(8, 24).toString('hex'), '20010db8000000000000000000000066');
    assert.deepEqual([na[24], na[25]], [2, 1]);
    assert.equal([...na.subarray(26, 32)].map((x) => x.toString(16).padStart(2, '0')).join(':'), macA);
    assert.equal(await neighbour('2001:db8::66'), macA, 'the kernel accepted the NA (checksum, hop limit)');
  });
});
