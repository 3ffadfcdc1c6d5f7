/**
 * Runs a {@link VrrpSocket} inside a namespace for the network tests (`ip netns exec NS node vrrp-agent.js
 * '<options json>'`). Prints one JSON line per event on stdout (`ready`, `packet`, `error`) and takes
 * JSON commands on stdin: `{"op":"send","dst":"224.0.0.18","payload":"<hex>"}`, `{"op":"close"}`.
 */
import { createInterface } from 'node:readline';
import { VrrpSocket, type VrrpSocketOptions } from '../../../src/net/vrrp-socket.js';

const options = JSON.parse(process.argv[2] ?? '{}') as VrrpSocketOptions;
const print = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

try {
  const socket = await VrrpSocket.open(
    options,
    (d) => {
      print({
        event: 'packet',
        src: d.src,
        dst: d.dst,
        ttl: d.ttl ?? null,
        payload: Buffer.from(d.payload).toString('hex'),
        header: d.ipHeader === undefined ? null : Buffer.from(d.ipHeader).toString('hex'),
      });
    },
    (err) => {
      print({ event: 'error', message: err.message });
    },
  );
  print({
    event: 'ready',
    source: socket.source,
    destinations: socket.destinations,
    ifindex: socket.ifindex,
  });
  createInterface({ input: process.stdin }).on('line', (line) => {
    const cmd = JSON.parse(line) as { op: string; dst?: string; payload?: string; src?: string };
    if (cmd.op === 'send') {
      const payload = Buffer.from(cmd.payload ?? '', 'hex');
      if (cmd.dst === undefined) socket.sendAll(payload);
      else {
        socket.send(cmd.dst, payload, cmd.src, (e) => {
          print({ event: 'error', message: e.message });
        });
      }
    } else if (cmd.op === 'close') {
      socket.close();
      process.exit(0);
    }
  });
} catch (err) {
  const e = err as { code?: string; message: string };
  print({ event: 'fatal', code: e.code ?? null, message: e.message });
  process.exit(2);
}
