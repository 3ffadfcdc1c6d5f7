/**
 * Runs {@link LinuxVrrpIo} inside a namespace for the network tests. argv[2] is the options JSON.
 * Prints JSON lines (`ready`, `packet`, `done`, `stopped`, `fatal`); stdin takes
 * `{"op":"effect","effect":{...}}` (advert payloads as hex) and `{"op":"stop"}`.
 */
import { createInterface } from 'node:readline';
import { createLogger } from '../../../src/index.js';
import {
  LinuxVrrpIo,
  type LinuxEffect,
  type LinuxVrrpIoOptions,
} from '../../../plugins/vrrp/linux/linux-io.js';

const print = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
const options = JSON.parse(process.argv[2] ?? '{}') as LinuxVrrpIoOptions;
const io = new LinuxVrrpIo({
  ...options,
  log: createLogger({ level: 'debug', write: (s) => process.stderr.write(s) }),
});
try {
  await io.start((d) => {
    print({
      event: 'packet',
      interface: d.interface,
      src: d.src,
      dst: d.dst,
      ttl: d.ttl ?? null,
      payload: Buffer.from(d.payload).toString('hex'),
    });
  });
  print({ event: 'ready', sources: options.instances.map((i) => io.socket(i.name)?.source) });
} catch (err) {
  const e = err as { code?: string; message: string };
  print({ event: 'fatal', code: e.code ?? null, message: e.message });
  process.exit(2);
}
createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { op: string; effect?: Record<string, unknown> };
  if (cmd.op === 'effect' && cmd.effect !== undefined) {
    const e = cmd.effect;
    if (e.type === 'send-advert') {
      e.packets = (e.packets as { dst: string; payload: string }[]).map((p) => ({
        dst: p.dst,
        payload: Buffer.from(p.payload, 'hex'),
      }));
    }
    void io.run(e as unknown as LinuxEffect).then(() => {
      print({ event: 'done', type: e.type });
    });
  } else if (cmd.op === 'stop') {
    void io.stop().then(() => {
      print({ event: 'stopped' });
      process.exit(0);
    });
  }
});
