import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { NetLab as BaseNetLab } from '../../src/net/netns-lab.js';
import { Capture } from './capture.js';

// The namespace lab is product code now (src/net/netns-lab.ts: `npm run demo` builds its network
// with it); the tests add packet capture on top and keep importing everything from here.
export { listNamespaces, type AfterHook, type Bridge, type ExecResult } from '../../src/net/netns-lab.js';

/** {@link BaseNetLab} plus tcpdump captures for the timing assertions. */
export class NetLab extends BaseNetLab {
  #captures = 0;

  /** Starts tcpdump on `ifname` in `ns` and resolves once it is listening. */
  async capture(ns: string, ifname: string, filter: string): Promise<Capture> {
    const file = join(this.tmp, `cap-${++this.#captures}-${ifname}.pcap`);
    const args = ['-i', ifname, '-n', '-U', '--immediate-mode', '-w', file, filter];
    const p = this.spawn(ns, 'tcpdump', args);
    await p.waitForOutput(/listening on/, 5000);
    return new Capture(file, p);
  }
}

/** Synchronously runs a command on the host and returns stdout (for assertions after teardown). */
export function hostSync(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}
