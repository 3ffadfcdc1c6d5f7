import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from '../helpers/agent.js';
import { startKeepalived } from '../helpers/keepalived.js';
import { NetLab, type Bridge } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { parseEthernet, parseIpv4 } from '../helpers/pcap.js';
import { requireRoot } from '../helpers/require-root.js';
import { vrrpV2, vrrpV3 } from '../helpers/vrrp-advert.js';

const agentJs = join(repoRoot, 'dist', 'test', 'net', 'agents', 'vrrp-agent.js');

describe('VRRP raw socket (IPv4)', { skip: requireRoot(['tcpdump', 'keepalived']) }, () => {
  const lab = NetLab.create('vrsock', after);
  let lan: Bridge;
  let a: string;
  let b: string;
  let c: string;

  const agent = async (ns: string, options: object): Promise<Agent> => {
    const ag = new Agent(lab.spawn(ns, process.execPath, [agentJs, JSON.stringify(options)]));
    await ag.next((e) => e.event === 'ready');
    return ag;
  };

  before(async () => {
    lan = await lab.addBridge();
    a = await lab.addNamespace('a');
    b = await lab.addNamespace('b');
    c = await lab.addNamespace('c');
    await lab.attach(a, 'eth0', lan, ['198.51.100.1/24', '198.51.100.11/24']);
    await lab.attach(b, 'eth0', lan, ['198.51.100.2/24']);
    await lab.attach(c, 'eth0', lan, ['198.51.100.3/24']);
  });

  test('a multicast advert goes out as keepalived sends it and arrives with its IP header', async () => {
    const rx = await agent(b, { family: 'ipv4', interface: 'eth0' });
    const tx = await agent(a, { family: 'ipv4', interface: 'eth0' });
    assert.deepEqual(tx.events()[0], {
      event: 'ready',
      source: '198.51.100.1',
      destinations: ['224.0.0.18'],
      ifindex: tx.events()[0]!.ifindex,
    });
    const cap = await lab.capture(c, 'eth0', 'ip proto 112');
    const advert = vrrpV2(51, 150, ['198.51.100.100'], 'secret1');
    tx.command({ op: 'send', dst: '224.0.0.18', payload: advert.toString('hex') });
    const got = await rx.next((e) => e.event === 'packet');
    assert.equal(got.src, '198.51.100.1');
    assert.equal(got.dst, '224.0.0.18');
    assert.equal(got.ttl, 255);
    assert.equal(got.payload, advert.toString('hex'));
    assert.equal((got.header as string).slice(0, 4), '45c0');
    // The sender's own socket never sees its advert (IP_MULTICAST_LOOP off).
    await new Promise((r) => setTimeout(r, 100));
    const frames = await cap.stop();
    assert.equal(frames.length, 1);
    const eth = parseEthernet(frames[0]!.data);
    assert.equal(eth.dst, '01:00:5e:00:00:12');
    assert.equal(eth.src, await lab.mac(a, 'eth0'));
    const ip = parseIpv4(eth.payload);
    assert.deepEqual(
      { ttl: ip.ttl, tos: ip.tos, protocol: ip.protocol, src: ip.src, dst: ip.dst, df: ip.dontFragment },
      { ttl: 255, tos: 0xc0, protocol: 112, src: '198.51.100.1', dst: '224.0.0.18', df: false },
    );
    assert.deepEqual(ip.payload, advert);
    assert.equal(tx.events().filter((e) => e.event === 'packet').length, 0);
    // The sent advert checksum is the one keepalived computes (vrrp.md §1.2 example).
    assert.equal(advert.subarray(6, 8).toString('hex'), 'afe5');
    rx.command({ op: 'close' });
    tx.command({ op: 'close' });
  });

  test('mcast_src_ip picks the advert source', async () => {
    const rx = await agent(b, { family: 'ipv4', interface: 'eth0' });
    const tx = await agent(a, { family: 'ipv4', interface: 'eth0', source: '198.51.100.11' });
    tx.command({
      op: 'send',
      dst: '224.0.0.18',
      payload: vrrpV2(52, 100, ['198.51.100.101']).toString('hex'),
    });
    const got = await rx.next((e) => e.event === 'packet');
    assert.equal(got.src, '198.51.100.11');
    rx.command({ op: 'close' });
    tx.command({ op: 'close' });
  });

  test('unicast: one copy per peer, TTL 255, to the peer address; non-peers see nothing', async () => {
    const rxB = await agent(b, { family: 'ipv4', interface: 'eth0', unicastPeers: ['198.51.100.1'] });
    const rxC = await agent(c, { family: 'ipv4', interface: 'eth0', unicastPeers: ['198.51.100.1'] });
    const tx = await agent(a, {
      family: 'ipv4',
      interface: 'eth0',
      unicastPeers: ['198.51.100.2', '198.51.100.3'],
      source: '198.51.100.11',
    });
    assert.deepEqual(tx.events()[0]!.destinations, ['198.51.100.2', '198.51.100.3']);
    for (const peer of ['198.51.100.2', '198.51.100.3']) {
      const msg = vrrpV3(53, 120, ['198.51.100.102'], '198.51.100.11', peer, 100);
      tx.command({ op: 'send', dst: peer, payload: msg.toString('hex') });
    }
    const gotB = await rxB.next((e) => e.event === 'packet');
    const gotC = await rxC.next((e) => e.event === 'packet');
    assert.deepEqual([gotB.src, gotB.dst, gotB.ttl], ['198.51.100.11', '198.51.100.2', 255]);
    assert.deepEqual([gotC.src, gotC.dst, gotC.ttl], ['198.51.100.11', '198.51.100.3', 255]);
    for (const ag of [rxB, rxC, tx]) ag.command({ op: 'close' });
  });

  test('a unicast-mode socket joins no group: multicast adverts do not reach it', async () => {
    const uni = await agent(b, { family: 'ipv4', interface: 'eth0', unicastPeers: ['198.51.100.1'] });
    const multi = await agent(c, { family: 'ipv4', interface: 'eth0' });
    const tx = await agent(a, { family: 'ipv4', interface: 'eth0' });
    tx.command({
      op: 'send',
      dst: '224.0.0.18',
      payload: vrrpV2(54, 100, ['198.51.100.103']).toString('hex'),
    });
    await multi.next((e) => e.event === 'packet');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(uni.events().filter((e) => e.event === 'packet').length, 0);
    for (const ag of [uni, multi, tx]) ag.command({ op: 'close' });
  });

  test('a missing interface is a clear error naming it', async () => {
    const p = lab.spawn(a, process.execPath, [
      agentJs,
      JSON.stringify({ family: 'ipv4', interface: 'nosuch0' }),
    ]);
    const ag = new Agent(p);
    const fatal = await ag.next((e) => e.event === 'fatal');
    assert.equal(fatal.code, 'TANDEM_ERR_NO_INTERFACE');
    assert.match(fatal.message as string, /^interface nosuch0 does not exist/);
  });

  test('real keepalived: our socket receives its adverts and keepalived accepts ours', async () => {
    const k = await lab.addNamespace('k');
    await lab.attach(k, 'eth0', lan, ['198.51.100.9/24']);
    const ka = startKeepalived(
      lab,
      k,
      'ka',
      `global_defs {\n  router_id ka\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 61\n  priority 100\n  advert_int 1\n  authentication {\n    auth_type PASS\n    auth_pass secret1\n  }\n  virtual_ipaddress {\n    198.51.100.200/24\n  }\n}\nvrrp_instance VI_2 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 62\n  version 3\n  priority 100\n  advert_int 0.1\n  virtual_ipaddress {\n    198.51.100.201/24\n  }\n}\n`,
    );
    const rx = await agent(a, { family: 'ipv4', interface: 'eth0' });
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    const got = await rx.next(
      (e) => e.event === 'packet' && e.src === '198.51.100.9' && (e.payload as string).startsWith('21'),
      3000,
    );
    assert.equal(got.ttl, 255);
    assert.equal(got.dst, '224.0.0.18');
    assert.equal(got.payload, vrrpV2(61, 100, ['198.51.100.200'], 'secret1').toString('hex'));
    // Now ours, priority 200: keepalived must accept it as valid and step down.
    rx.command({
      op: 'send',
      dst: '224.0.0.18',
      payload: vrrpV2(61, 200, ['198.51.100.200'], 'secret1').toString('hex'),
    });
    await ka.waitFor(/Master received advert from 198\.51\.100\.1 with higher priority 200, ours 100/, 3000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
    // VRRPv3 at 100 ms: its adverts carry the IPv4 pseudo-header checksum, and so must ours.
    await ka.waitFor(/\(VI_2\) Entering MASTER STATE/, 3000);
    const v3 = await rx.next((e) => e.event === 'packet' && (e.payload as string).startsWith('313e'), 3000);
    assert.equal(
      v3.payload,
      vrrpV3(62, 100, ['198.51.100.201'], '198.51.100.9', '224.0.0.18', 10).toString('hex'),
    );
    rx.command({
      op: 'send',
      dst: '224.0.0.18',
      payload: vrrpV3(62, 200, ['198.51.100.201'], '198.51.100.1', '224.0.0.18', 10).toString('hex'),
    });
    await ka.waitFor(
      /\(VI_2\) Master received advert from 198\.51\.100\.1 with higher priority 200, ours 100/,
      3000,
    );
    assert.doesNotMatch(ka.log(), /invalid|Invalid/);
    rx.command({ op: 'close' });
    await ka.process.stop();
  });
});
