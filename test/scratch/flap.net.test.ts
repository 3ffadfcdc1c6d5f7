import { after, test } from 'node:test';
import { NetLab } from '../helpers/netns.js';
import { InteropRig, sleep } from '../helpers/vrrp-rig.js';
import { instanceConf, startSettled } from '../helpers/vrrp-scenario.js';
import { timelineOf } from '../helpers/vrrp-timeline.js';

test('flap', async () => {
  const lab = NetLab.create('viflap', after);
  const rig = await InteropRig.create(lab, ['k1', 't1']);
  const k = rig.router('k1');
  const t1 = rig.router('t1');
  const int = Number(process.env.INT ?? '0.01');
  const cap = await rig.capture('ip proto 112');
  await startSettled(k, instanceConf(7, 150, { advertInt: int }), t1, instanceConf(7, 100, { advertInt: int }));
  const from = Date.now() / 1000;
  await sleep(5000);
  const tl = timelineOf(await cap.stop());
  const ka = tl.adverts.filter((a) => a.src === k.address && a.time > from);
  let max = 0;
  for (let i = 1; i < ka.length; i++) max = Math.max(max, ka[i]!.time - ka[i - 1]!.time);
  const ta = tl.adverts.filter((a) => a.src === t1.address && a.time > from);
  process.stdout.write(`# ka adverts ${ka.length} max gap ${(max * 1000).toFixed(1)} ms; tandem adverts ${ta.length}; tandem MASTER ${t1.stateCount('MASTER')}\n`);
  for (const a of ta.slice(0, 5)) {
    const prev = ka.filter((b) => b.time < a.time).pop();
    process.stdout.write(`# tandem advert at ${a.time.toFixed(6)}, last ka advert ${prev ? ((a.time - prev.time) * 1000).toFixed(1) : '-'} ms before\n`);
  }
  process.stdout.write(t1.log().split('\n').filter((l) => !/Sending gratuitous/.test(l)).slice(0, 60).join('\n') + '\n');
});
