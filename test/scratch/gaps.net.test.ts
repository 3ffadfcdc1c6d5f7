import { after, test } from 'node:test';
import { NetLab } from '../helpers/netns.js';
import { InteropRig, sleep } from '../helpers/vrrp-rig.js';
import { instanceConf } from '../helpers/vrrp-scenario.js';
import { stalls, timelineOf } from '../helpers/vrrp-timeline.js';

test('gaps', async () => {
  const lab = NetLab.create('vigaps', after);
  const rig = await InteropRig.create(lab, ['t1']);
  const t1 = rig.router('t1');
  const int = Number(process.env.INT ?? '0.01');
  const cap = await rig.capture('ip proto 112');
  t1.start(instanceConf(7, 150, { advertInt: int }));
  await t1.waitState('MASTER', 5000);
  await sleep(Number(process.env.DUR ?? '5000'));
  const tl = timelineOf(await cap.stop());
  const st = stalls(tl, 7, t1.address, int * 1000 * 1.5);
  process.stdout.write(`# adverts ${tl.adverts.length} stalls ${st.length}: ${JSON.stringify(st.slice(0, 10).map((s) => [((s.at - tl.adverts[0]!.time) * 1000).toFixed(0), s.gapMs.toFixed(1)]))}\n`);
  process.stdout.write(t1.log().split('\n').slice(0, 40).join('\n') + '\n');
});
