import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GratuitousArp } from '../../src/net/gratuitous-arp.js';
import { startKeepalived } from '../helpers/keepalived.js';
import { NetLab } from '../helpers/netns.js';
import { parseEthernet, parseIpv4 } from '../helpers/pcap.js';
import { requireRoot } from '../helpers/require-root.js';

/** Measures keepalived's GARP burst after its first MASTER advert next to Tandem's arping burst, on one pcap clock. */
describe('GARP timing next to keepalived', { skip: requireRoot(['tcpdump', 'arping', 'keepalived']) }, () => {
  const lab = NetLab.create('garptime', after);

  test('both send 5 GARPs per VIP right after taking over; ours completes within 250 ms', async () => {
    const lan = await lab.addBridge();
    const k = await lab.addNamespace('k');
    const t = await lab.addNamespace('t');
    const obs = await lab.addNamespace('o');
    await lab.attach(k, 'eth0', lan, ['198.51.100.9/24']);
    await lab.attach(t, 'eth0', lan, ['198.51.100.1/24', '198.51.100.110/24']);
    await lab.attach(obs, 'eth0', lan, ['198.51.100.3/24']);
    const cap = await lab.capture(obs, 'eth0', 'arp or ip proto 112');
    const ka = startKeepalived(
      lab,
      k,
      'ka',
      `vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 91\n  version 3\n  priority 100\n  advert_int 0.1\n  virtual_ipaddress {\n    198.51.100.100/24\n  }\n}\n`,
    );
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    // As the VRRP I/O does at start: the launcher is running before the takeover that needs it.
    const garp = new GratuitousArp({ netns: t });
    garp.warm();
    await new Promise((r) => setTimeout(r, 300));
    await ka.process.stop();
    const t0 = Date.now() / 1000;
    await garp.send('eth0', ['198.51.100.110'], 5, 0);
    await garp.close();
    const frames = (await cap.stop()).map((f) => ({ time: f.time, eth: parseEthernet(f.data) }));
    const firstAdvert = frames.find(
      (f) => f.eth.type === 0x0800 && parseIpv4(f.eth.payload).protocol === 112,
    );
    assert.ok(firstAdvert);
    const garpTimes = (ip: string): number[] =>
      frames
        .filter((f) => f.eth.type === 0x0806 && f.eth.payload.subarray(14, 18).join('.') === ip)
        .map((f) => f.time);
    const kaGarps = garpTimes('198.51.100.100').filter((x) => x < t0);
    const ours = garpTimes('198.51.100.110');
    assert.ok(kaGarps.length >= 5, `keepalived sent ${kaGarps.length} GARPs`);
    assert.equal(ours.length, 5);
    const kaFirst = (kaGarps[0]! - firstAdvert.time) * 1000;
    const kaLast = (kaGarps[4]! - firstAdvert.time) * 1000;
    const ourFirst = (ours[0]! - t0) * 1000;
    const ourLast = (ours[4]! - t0) * 1000;
    process.stdout.write(
      `# keepalived: GARP 1 at +${kaFirst.toFixed(1)} ms, GARP 5 at +${kaLast.toFixed(1)} ms after its first MASTER advert\n` +
        `# Tandem (arping): GARP 1 at +${ourFirst.toFixed(1)} ms, GARP 5 at +${ourLast.toFixed(1)} ms after send()\n`,
    );
    assert.ok(ourLast < 250, `our burst took ${ourLast} ms`);
  });
});
