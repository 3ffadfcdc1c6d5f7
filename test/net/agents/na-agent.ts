/**
 * Sends unsolicited neighbour adverts from inside a namespace for the network tests:
 * `node na-agent.js DEVICE REPEAT ADDRESS...`; prints `{"event":"sent","ms":N}` or `{"event":"fatal",...}`.
 */
import { IpCommand } from '../../../src/net/ip-command.js';
import { readInterface } from '../../../src/net/interfaces.js';
import { UnsolicitedNa } from '../../../src/net/unsolicited-na.js';

const [device = 'eth0', repeat = '5', ...addresses] = process.argv.slice(2);
try {
  const info = await readInterface(new IpCommand(), device);
  const t0 = performance.now();
  const na = UnsolicitedNa.open(device, info.index, info.mac);
  await na.send(addresses, Number(repeat), 0);
  na.close();
  process.stdout.write(`${JSON.stringify({ event: 'sent', ms: performance.now() - t0 })}\n`);
} catch (err) {
  const e = err as { code?: string; message: string };
  process.stdout.write(`${JSON.stringify({ event: 'fatal', code: e.code ?? null, message: e.message })}\n`);
  process.exitCode = 2;
}
