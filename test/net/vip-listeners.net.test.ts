import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { STREAM_MODULE } from '../helpers/nginx.js';
import { NetLab } from '../helpers/netns.js';
import type { NsProcess } from '../helpers/ns-process.js';
import { cliPath } from '../helpers/paths.js';
import { requireRootIn } from '../helpers/require-root.js';

// Issue 11 item 2: listeners on a VIP bind when the instance becomes MASTER and close when it leaves
// (no ip_nonlocal_bind), or bind at start (ip_nonlocal_bind=1); the proxy's health is a tracker.

const VIP = '198.51.100.100';
const lab = NetLab.create('vb', after);

function keepalivedConf(priority: number, extra = '', tracks = ''): string {
  return `${extra}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 71
  version 3
  priority ${priority}
  advert_int 0.1
  virtual_ipaddress {
    ${VIP}/24
  }
  ${tracks}
}
`;
}

/** HTTP on the VIP answers the node's name; the stream listener on the VIP pipes to a local HTTP one. */
function nginxConf(node: string): string {
  return `load_module ${STREAM_MODULE};
events {}
http {
  server { listen ${VIP}:8080; return 200 "${node}\\n"; }
  server { listen 127.0.0.1:8081; return 200 "${node}-stream\\n"; }
  server { listen 8082; return 200 "${node}-own\\n"; }
}
stream {
  server { listen ${VIP}:7000; proxy_pass 127.0.0.1:8081; }
}
`;
}

let runs = 0;

/** The nginx.conf each started process reads, so a test can change it and reload. */
const nginxFiles = new Map<NsProcess, string>();

/** Starts Tandem in `ns` with keepalived.conf and nginx.conf texts; the lab stops it by pid. */
function tandem(
  t: TestContext,
  ns: string,
  keepalived: string,
  nginx: string,
  args: readonly string[] = [],
): NsProcess {
  runs++;
  const k = join(lab.tmp, `k${runs}.conf`);
  const n = join(lab.tmp, `n${runs}.conf`);
  writeFileSync(k, keepalived);
  writeFileSync(n, nginx);
  const p = lab.spawn(ns, process.execPath, [cliPath, '-f', k, '--nginx', n, '-n', '-l', ...args]);
  nginxFiles.set(p, n);
  return p;
}

/** Another process listening on 0.0.0.0:`port` in `ns`, so a bind to a VIP on that port fails. */
async function holdPort(t: TestContext, ns: string, port: number): Promise<NsProcess> {
  const holder = lab.spawn(ns, process.execPath, [
    '-e',
    `require('net').createServer().listen(${port}, '0.0.0.0', () => console.log('holding'))`,
  ]);
  stopAfter(t, holder);
  await holder.waitForOutput(/holding/);
  return holder;
}

/** Rewrites the process's nginx.conf and reloads it (SIGHUP); resolves once the reload finished. */
async function reload(p: NsProcess, nginx: string, nth: number): Promise<void> {
  writeFileSync(nginxFiles.get(p) ?? '', nginx);
  p.kill('SIGHUP');
  await logged(p, /Reload finished/, nth);
}

/** Stops `procs` when the test ends, passed or failed, so a failure does not spill into the next test. */
function stopAfter(t: TestContext, ...procs: NsProcess[]): void {
  t.after(async () => {
    await Promise.all(procs.map((p) => p.stop(2000)));
  });
}

/** Waits until `p` has logged `re` at least `count` times. */
const logged = (p: NsProcess, re: RegExp, count = 1, ms = 10_000): Promise<string> =>
  p.waitForOutput(re, ms, count);

/** What the client gets from `port` on the VIP: the body, or `refused`/`error N`. */
async function fetchVip(client: string, port: number): Promise<string> {
  const r = await lab.exec(client, 'curl', ['-s', '--max-time', '2', `http://${VIP}:${port}/`]);
  if (r.code === 0) return r.stdout.trim();
  return r.code === 7 ? 'refused' : `error ${r.code}`;
}

/** Polls until the client gets `want` on both VIP ports (the VIP moves with GARP; give it a moment). */
async function serves(client: string, node: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = [await fetchVip(client, 8080), await fetchVip(client, 7000)];
    if (got[0] === node && got[1] === `${node}-stream`) return;
    if (Date.now() > deadline) throw new Error(`client got ${got.join(', ')}, expected ${node}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The TCP addresses listening in `ns` (ss -ltn). */
async function listening(ns: string): Promise<string[]> {
  const r = await lab.exec(ns, 'ss', ['-ltnH']);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[3] ?? '')
    .filter((a) => a !== '');
}

const MASTER = /\(VI_1\) Entering MASTER STATE/;
const BACKUP = /\(VI_1\) Entering BACKUP STATE/;
const FAULT = /\(VI_1\) Entering FAULT STATE/;

describe('listeners on a VIP follow VRRP', () => {
  let n1 = '';
  let n2 = '';
  let client = '';
  const lanReady = (t: TestContext): boolean => {
    if (n1 === '') t.skip('no LAN');
    return n1 !== '';
  };

  it('builds the LAN: n1 (ip_nonlocal_bind=0), n2 (ip_nonlocal_bind=1), a client', async (t) => {
    if (!requireRootIn(t, ['curl', 'ss'])) return;
    const lan = await lab.addBridge();
    n1 = await lab.addNamespace('n1');
    n2 = await lab.addNamespace('n2');
    client = await lab.addNamespace('c');
    await lab.attach(n1, 'eth0', lan, ['198.51.100.1/24']);
    await lab.attach(n2, 'eth0', lan, ['198.51.100.2/24']);
    await lab.attach(client, 'eth0', lan, ['198.51.100.50/24']);
    assert.equal((await lab.exec(n1, 'sysctl', ['-n', 'net.ipv4.ip_nonlocal_bind'])).stdout.trim(), '0');
    assert.equal((await lab.exec(n2, 'sysctl', ['-w', 'net.ipv4.ip_nonlocal_bind=1'])).code, 0);
  });

  it('binds on MASTER, closes on BACKUP, binds again on MASTER; with ip_nonlocal_bind the peer binds at start', async (t) => {
    if (!lanReady(t)) return;
    const a = tandem(t, n1, keepalivedConf(150), nginxConf('n1'));
    let b = tandem(t, n2, keepalivedConf(100), nginxConf('n2'));
    await logged(a, MASTER);
    await logged(b, BACKUP);
    await serves(client, 'n1');
    assert.match(a.stderr, /listener http:198\.51\.100\.100:8080 follows VRRP instance VI_1/);
    assert.match(a.stderr, /listening on stream:198\.51\.100\.100:7000 as MASTER of VI_1/);
    // n2 has ip_nonlocal_bind=1: its listeners are bound while BACKUP, as nginx's would be.
    assert.match(b.stderr, /ip_nonlocal_bind: ipv4 on/);
    const peer = await listening(n2);
    assert.ok(peer.includes(`${VIP}:8080`) && peer.includes(`${VIP}:7000`), peer.join(' '));

    // A reload as MASTER keeps the VIP sockets (handed over) and serves the new config.
    await reload(a, nginxConf('n1b'), 1);
    await serves(client, 'n1b');

    // A higher-priority peer takes over: n1 becomes BACKUP and closes its VIP listeners.
    await b.stop(3000);
    b = tandem(t, n2, keepalivedConf(200), nginxConf('n2'));
    await logged(a, BACKUP, 2);
    await serves(client, 'n2');
    const mine = await listening(n1);
    assert.ok(
      !mine.includes(`${VIP}:8080`) && !mine.includes(`${VIP}:7000`),
      `${mine.join(' ')}\n${a.stderr.split('\n').slice(-15).join('\n')}`,
    );
    assert.ok(mine.includes('127.0.0.1:8081'), 'the local listener stays');
    assert.match(
      a.stderr,
      /\(VI_1\) releasing listener http:198\.51\.100\.100:8080: instance left MASTER \(BACKUP\)/,
    );
    // A reload as BACKUP binds nothing on the VIP (and does not fail on it).
    await reload(a, nginxConf('n1c'), 2);
    const still = await listening(n1);
    assert.ok(!still.includes(`${VIP}:8080`) && !still.includes(`${VIP}:7000`), still.join(' '));

    // The peer goes away: n1 is MASTER again and serves, with the reloaded config.
    await b.stop(3000);
    await logged(a, MASTER, 2);
    await serves(client, 'n1c');
    await a.stop(3000);
  });

  it('the proxy health tracker faults an instance whose listener cannot bind, and the peer takes over', async (t) => {
    if (!lanReady(t)) return;
    // Another process holds port 8080 on n1, so the VIP listener cannot bind when n1 becomes MASTER.
    const holder = await holdPort(t, n1, 8080);
    const b = tandem(t, n2, keepalivedConf(100), nginxConf('n2'));
    await logged(b, MASTER);
    const a = tandem(t, n1, keepalivedConf(150), nginxConf('n1'), ['--admin', '127.0.0.1:9911']);
    await logged(a, MASTER);
    await logged(a, FAULT);
    assert.match(a.stderr, /bind\(\) to 198\.51\.100\.100:8080 failed \(98: Address already in use\)/);
    // The tracker is in /status and /metrics like any other.
    const status = JSON.parse(
      (await lab.exec(n1, 'curl', ['-s', 'http://127.0.0.1:9911/status'])).stdout,
    ) as { instances: { trackers: { name: string; up: boolean; reason: string }[] }[] };
    assert.deepEqual(
      status.instances[0]?.trackers.map((tr) => [tr.name, tr.up, tr.reason]),
      [
        [
          'proxy_health(VI_1)',
          false,
          'listener http:198.51.100.100:8080: bind() to 198.51.100.100:8080 failed (98: Address already in use)',
        ],
      ],
    );
    const metrics = (await lab.exec(n1, 'curl', ['-s', 'http://127.0.0.1:9911/metrics'])).stdout;
    assert.match(metrics, /^tandem_tracker_up\{kind="script",name="proxy_health\(VI_1\)"\} 0$/m);
    await logged(b, MASTER, 2);
    await serves(client, 'n2');
    // Fixed: the port is free again; n1 leaves FAULT, preempts and serves.
    await holder.stop(1000);
    await logged(a, /no longer applies; ready to serve/);
    await logged(a, MASTER, 2);
    await serves(client, 'n1');
    await a.stop(3000);
    await b.stop(3000);
  });

  it('a MASTER out of file descriptors (clients are dropped unserved) faults, and recovers', async (t) => {
    if (!lanReady(t)) return;
    const b = tandem(t, n2, keepalivedConf(100), nginxConf('n2'));
    const a = tandem(t, n1, keepalivedConf(150), nginxConf('n1'));
    await logged(a, MASTER);
    await serves(client, 'n1');
    // Leave n1 a few spare descriptors, then have the client hold more connections than that.
    const open = (await lab.exec(n1, 'ls', [`/proc/${a.pid}/fd`])).stdout.split('\n').length;
    const limit = open + 20;
    assert.equal(
      (await lab.exec(n1, 'prlimit', ['--pid', String(a.pid), `--nofile=${limit}:${limit}`])).code,
      0,
    );
    const hog = lab.spawn(client, process.execPath, [
      '-e',
      `const net = require('net'); let n = 0;
       for (let i = 0; i < 60; i++) net.connect(8082, '198.51.100.1', () => { if (++n === 60) console.log('open'); }).on('error', () => {});`,
    ]);
    stopAfter(t, hog);
    await hog.waitForOutput(/open/);
    await logged(
      a,
      /(file descriptors nearly exhausted \(\d+ of \d+ in use\)|no file descriptor left): accept\(\) fails \(24: Too many open files\)/,
    );
    await logged(a, FAULT);
    await logged(b, MASTER);
    await serves(client, 'n2');
    await hog.stop(1000);
    await logged(a, /accepts again/, 1, 20_000);
    await logged(a, MASTER, 2);
    await serves(client, 'n1');
    await a.stop(3000);
    await b.stop(3000);
  });

  it('a "pidof nginx" vrrp_script is answered by the proxy health: its weight lowers the priority', async (t) => {
    if (!lanReady(t)) return;
    const chk = 'vrrp_script chk_nginx {\n  script "/usr/bin/pidof nginx"\n  interval 1\n  weight -60\n}\n';
    const holder = await holdPort(t, n1, 8080);
    const b = tandem(t, n2, keepalivedConf(100), nginxConf('n2'));
    await logged(b, MASTER);
    const a = tandem(t, n1, keepalivedConf(150, chk, 'track_script {\n    chk_nginx\n  }'), nginxConf('n1'));
    await logged(a, /vrrp_script chk_nginx checks for an nginx process/);
    // No nginx runs here: had pidof run, n1 would start at 90 and never take over.
    await logged(a, MASTER);
    await logged(a, /\(VI_1\) Changing effective priority from 150 to 90/);
    await logged(a, BACKUP, 2);
    await logged(b, MASTER, 2);
    await serves(client, 'n2');
    await holder.stop(1000);
    await logged(a, /\(VI_1\) Changing effective priority from 90 to 150/);
    await logged(a, MASTER, 2);
    await serves(client, 'n1');
    assert.doesNotMatch(a.stderr, FAULT);
    await a.stop(3000);
    await b.stop(3000);
  });
});

describe('IPv6 VIP listeners', () => {
  it('an IPv6 VIP listener (written differently in nginx.conf) binds once its instance is MASTER', async (t) => {
    if (!requireRootIn(t, ['curl'])) return;
    const lan = await lab.addBridge('lan6');
    const node = await lab.addNamespace('v6');
    const c6 = await lab.addNamespace('c6');
    await lab.attach(node, 'eth0', lan, ['2001:db8::1/64']);
    await lab.attach(c6, 'eth0', lan, ['2001:db8::50/64']);
    const k = `vrrp_instance VI_6 {
  state BACKUP
  interface eth0
  virtual_router_id 73
  version 3
  priority 100
  advert_int 0.1
  virtual_ipaddress {
    2001:db8::100/64
  }
}
`;
    const n = 'events {}\nhttp {\n  server { listen [2001:DB8:0::100]:8080; return 200 "v6\\n"; }\n}\n';
    const p = tandem(t, node, k, n);
    await logged(p, /\(VI_6\) Entering MASTER STATE/);
    await logged(p, /listening on http:2001:DB8:0::100:8080 as MASTER of VI_6/);
    const r = await lab.exec(c6, 'curl', ['-s', '-g', '--max-time', '3', 'http://[2001:db8::100]:8080/']);
    assert.equal(r.stdout.trim(), 'v6', r.stderr);
    await p.stop(3000);
  });
});

describe('tandem -t and start errors', () => {
  it('-t accepts listeners on a VIP without ip_nonlocal_bind; a start on an address that is neither fails, located', async (t) => {
    if (!requireRootIn(t, [])) return;
    const ns = await lab.addNamespace('t');
    await lab.veth(ns, 'eth0', await lab.addNamespace('tpeer'), 'eth0');
    await lab.addAddress(ns, 'eth0', '198.51.100.1/24');
    runs++;
    const k = join(lab.tmp, `k${runs}.conf`);
    const n = join(lab.tmp, `n${runs}.conf`);
    writeFileSync(k, keepalivedConf(100));
    writeFileSync(n, nginxConf('t'));
    const check = await lab.exec(ns, process.execPath, [cliPath, '-t', '-f', k, '--nginx', n]);
    assert.equal(check.code, 0, check.stderr);
    const bad = join(lab.tmp, `bad${runs}.conf`);
    writeFileSync(bad, 'events {}\nhttp {\n  server {\n    listen 198.51.100.99:8080;\n  }\n}\n');
    const start = await lab.exec(ns, process.execPath, [cliPath, '-f', k, '--nginx', bad, '-n', '-l']);
    assert.equal(start.code, 1);
    assert.match(
      start.stderr,
      new RegExp(
        `${bad.replace(/[.]/g, '\\.')}:4:5: bind\\(\\) to 198\\.51\\.100\\.99:8080 failed \\(99: Cannot assign requested address\\): the address is not on this host and no vrrp_instance has it as a VIP`,
      ),
    );
  });
});
