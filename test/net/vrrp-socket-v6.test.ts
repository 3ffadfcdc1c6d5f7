import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from '../helpers/agent.js';
import { startKeepalived } from '../helpers/keepalived.js';
import { NetLab, type Bridge } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { parseEthernet } from '../helpers/pcap.js';
import { requireRoot } from '../helpers/require-root.js';
import { vrrpV3 } from '../helpers/vrrp-advert.js';
import { IpCommand } from '../../src/net/ip-command.js';
import { linkLocalIpv6, readInterface } from '../../src/net/interfaces.js';

const agentJs = join(repoRoot, 'dist', 'test', 'net', 'agents', 'vrrp-agent.js');

describe('VRRP raw socket (IPv6)', { skip: requireRoot(['tcpdump', 'keepalived']) }, () => {
  const lab = NetLab.create('vrsock6', after);
  let lan: Bridge;
  let a: string;
  let b: string;
  let llA: string;

  const agent = async (ns: string, options: object): Promise<Agent> => {
    const ag = new Agent(lab.spawn(ns, process.execPath, [agentJs, JSON.stringify(options)]));
    await ag.next((e) => e.event === 'ready');
    return ag;
  };
  /** A namespace whose interfaces skip DAD, so link-local addresses are usable at once. */
  const host = async (name: string, addresses: string[]): Promise<string> => {
    const ns = await lab.addNamespace(name);
    await lab.exec(ns, 'sysctl', ['-qw', 'net.ipv6.conf.default.accept_dad=0']);
    await lab.attach(ns, 'eth0', lan, addresses);
    return ns;
  };

  before(async () => {
    lan = await lab.addBridge();
    a = await host('a', ['2001:db8::1/64']);
    b = await host('b', ['2001:db8::2/64']);
    llA = linkLocalIpv6(await readInterface(new IpCommand({ netns: a }), 'eth0'))!;
  });

  test('multicast: ff02::12 from the link-local address, hop limit 255, traffic class 0xC0', async () => {
    const rx = await agent(b, { family: 'ipv6', interface: 'eth0' });
    const tx = await agent(a, { family: 'ipv6', interface: 'eth0' });
    assert.equal(tx.events()[0]!.source, llA);
    const cap = await lab.capture(b, 'eth0', 'ip6 proto 112');
    const msg = vrrpV3(71, 150, ['2001:db8::66'], llA, 'ff02::12', 100);
    tx.command({ op: 'send', dst: 'ff02::12', payload: msg.toString('hex') });
    const got = await rx.next((e) => e.event === 'packet');
    // What raw-socket can tell: the source. Destination and hop limit are not observable (no recvmsg).
    assert.deepEqual([got.src, got.dst, got.ttl, got.header], [llA, 'ff02::12', null, null]);
    assert.equal(got.payload, msg.toString('hex'));
    const frames = await cap.stop();
    assert.equal(frames.length, 1);
    const eth = parseEthernet(frames[0]!.data);
    assert.equal(eth.dst, '33:33:00:00:00:12');
    const ip6 = eth.payload;
    assert.equal(ip6.readUInt32BE(0) >>> 20, 0x6c0, 'version 6, traffic class 0xC0');
    assert.equal(ip6[6], 112);
    assert.equal(ip6[7], 255);
    rx.command({ op: 'close' });
    tx.command({ op: 'close' });
  });

  test('mcast_src_ip and unicast peers work; the kernel drops a bad checksum (IPV6_CHECKSUM)', async () => {
    const rx = await agent(b, { family: 'ipv6', interface: 'eth0', unicastPeers: ['2001:db8::1'] });
    const tx = await agent(a, {
      family: 'ipv6',
      interface: 'eth0',
      unicastPeers: ['2001:db8::2'],
      source: '2001:db8::1',
    });
    const bad = vrrpV3(72, 150, ['2001:db8::67'], '2001:db8::1', '2001:db8::2', 100);
    bad[6] = (bad[6] ?? 0) ^ 0xff;
    tx.command({ op: 'send', dst: '2001:db8::2', payload: bad.toString('hex') });
    const good = vrrpV3(72, 150, ['2001:db8::67'], '2001:db8::1', '2001:db8::2', 100);
    tx.command({ op: 'send', dst: '2001:db8::2', payload: good.toString('hex') });
    const got = await rx.next((e) => e.event === 'packet');
    assert.equal(got.src, '2001:db8::1');
    assert.equal(got.payload, good.toString('hex'), 'the corrupted one never arrived');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(rx.events().filter((e) => e.event === 'packet').length, 1);
    rx.command({ op: 'close' });
    tx.command({ op: 'close' });
  });

  test('real keepalived (v3, IPv6): we receive its adverts and it accepts ours', async () => {
    const k = await host('k', ['2001:db8::9/64']);
    const ka = startKeepalived(
      lab,
      k,
      'ka6',
      `global_defs {\n  router_id ka6\n}\nvrrp_instance VI_6 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 73\n  version 3\n  priority 100\n  advert_int 0.1\n  virtual_ipaddress {\n    2001:db8::73/64\n  }\n}\n`,
    );
    const rx = await agent(a, { family: 'ipv6', interface: 'eth0' });
    await ka.waitFor(/\(VI_6\) Entering MASTER STATE/, 8000);
    const llK = linkLocalIpv6(await readInterface(new IpCommand({ netns: k }), 'eth0'))!;
    const got = await rx.next((e) => e.event === 'packet' && e.src === llK, 3000);
    assert.equal(got.payload, vrrpV3(73, 100, ['2001:db8::73'], llK, 'ff02::12', 10).toString('hex'));
    rx.command({
      op: 'send',
      dst: 'ff02::12',
      payload: vrrpV3(73, 200, ['2001:db8::73'], llA, 'ff02::12', 10).toString('hex'),
    });
    await ka.waitFor(/Master received advert from fe80::\S+ with higher priority 200, ours 100/, 3000);
    await ka.waitFor(/\(VI_6\) Entering BACKUP STATE/, 3000);
    assert.doesNotMatch(ka.log(), /invalid|Invalid/);
    rx.command({ op: 'close' });
    await ka.process.stop();
  });
});
