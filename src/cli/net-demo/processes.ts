import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetLab } from '../../net/netns-lab.js';
import type { NsProcess } from '../../net/ns-process.js';
import { keepalivedConf } from './node-config.js';
import type { DemoBackend, DemoNode } from './topology.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The compiled Tandem CLI (`dist/src/cli/main.js`), the daemon each node runs. */
export const tandemCli = join(here, '..', 'main.js');

/** The repository (or installed package) root: examples/ lives there. */
export const packageRoot = join(here, '..', '..', '..', '..');

/** The admin server of every node, inside its namespace (loopback: no token needed). */
export const adminListen = '127.0.0.1:9100';

/** Starts a demo backend in its namespace and waits until it listens. */
export async function startBackend(lab: NetLab, b: DemoBackend): Promise<NsProcess> {
  const p = lab.spawn(b.ns, process.execPath, [join(here, 'backend.js'), b.name, b.address, String(b.port)]);
  await p.waitForOutput(/^listening/m, 5000);
  return p;
}

/**
 * Starts the real Tandem daemon for `node` in its namespace, on the keepalived.conf written for it
 * and examples/http-pair/nginx.conf unchanged, with its admin server on {@link adminListen}.
 * Resolves once it logged the VRRP state it settles in (`(VI_WEB) Entering MASTER STATE`).
 */
export async function startNode(
  lab: NetLab,
  node: DemoNode,
  vip: string,
  expect: 'MASTER' | 'BACKUP',
  run: number,
): Promise<NsProcess> {
  const conf = join(lab.tmp, `keepalived-${node.name}.conf`);
  writeFileSync(conf, keepalivedConf(node, vip));
  const nginx = join(packageRoot, 'examples', 'http-pair', 'nginx.conf');
  const pidFile = join(lab.tmp, `${node.name}-${run}.pid`);
  const args = ['-f', conf, '--nginx', nginx, '-n', '-l', '-p', pidFile, '--admin', adminListen];
  const p = lab.spawn(node.ns, process.execPath, [tandemCli, ...args]);
  await p.waitForOutput(new RegExp(`\\(VI_WEB\\) Entering ${expect} STATE`), 10_000);
  // A backup logs its state before the admin server is up; the banner wants to know whether it is.
  await p.waitForOutput(/admin server listening on \S+/, 3000).catch(() => undefined);
  return p;
}

/** Starts tcpdump for VRRP on the client's LAN interface, line-buffered with epoch timestamps. */
export async function startAdvertWatch(lab: NetLab, ns: string): Promise<NsProcess> {
  const p = lab.spawn(ns, 'tcpdump', ['-i', 'eth0', '-n', '-l', '-tt', '--immediate-mode', 'ip proto 112']);
  await p.waitForOutput(/listening on/, 5000);
  return p;
}

/** A request that has not answered after this long counts as failed (a lost SYN is resent at 1 s). */
export const requestTimeoutMs = 1000;

/** Starts the demo client: `rate` requests per second to `url`, for at most `maxMs`. */
export function startClient(lab: NetLab, ns: string, url: string, rate: number, maxMs: number): NsProcess {
  const args = [join(here, 'client.js'), url, String(rate), String(maxMs), String(requestTimeoutMs)];
  return lab.spawn(ns, process.execPath, args);
}
