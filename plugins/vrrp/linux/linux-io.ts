import {
  GratuitousArp,
  IpCommand,
  KernelConfig,
  LinkMonitor,
  OwnedState,
  TandemError,
  UnsolicitedNa,
  VrrpSocket,
  addressSpecFromVip,
  checkCapabilities,
  readInterface,
  silentLogger,
  type ApplyOutcome,
  type IpFamily,
  type Logger,
  type ReceivedDatagram,
  type Signal,
  type TrackerState,
} from '../../../src/index.js';
import { AdvertCover } from './advert-cover.js';
import { NotifyFifo } from './notify-fifo.js';
import { NotifyRunner, type NotifyScripts, type NotifyState } from './notify-runner.js';
import { ScriptRunner } from './script-runner.js';

/** A VIP as the VRRP model carries it (`plugins/vrrp/params.ts` VrrpVip). */
export interface VipLike {
  readonly address: string;
  readonly prefixLength?: number;
  readonly device?: string;
  readonly options?: Readonly<Record<string, string>>;
}

/** What the Linux I/O needs to know about one VRRP instance. */
export interface LinuxInstance {
  readonly name: string;
  readonly interface: string;
  readonly family: IpFamily;
  /** `mcast_src_ip` or `unicast_src_ip`. */
  readonly source?: string;
  readonly unicastPeers?: readonly string[];
  /** `unicast_ttl`; 255 by default. */
  readonly ttl?: number;
  /** `advert_int` in ms: below a second the adverts get the pacer's cover (advert-cover.ts). */
  readonly advertIntervalMs?: number;
  readonly notify?: NotifyScripts;
}

/** The I/O effects of the VRRP core (`plugins/vrrp/types.ts` VrrpEffect), structurally. */
export type LinuxEffect =
  | {
      readonly type: 'send-advert';
      readonly instance: string;
      readonly src: string;
      readonly packets: readonly { readonly dst: string; readonly payload: Uint8Array }[];
    }
  | {
      readonly type: 'add-vips';
      readonly instance: string;
      readonly interface: string;
      readonly vips: readonly VipLike[];
    }
  | {
      readonly type: 'remove-vips';
      readonly instance: string;
      readonly interface: string;
      readonly vips: readonly VipLike[];
    }
  | {
      readonly type: 'send-garp';
      readonly instance: string;
      readonly interface: string;
      readonly family: IpFamily;
      readonly addresses: readonly string[];
      readonly repeat: number;
      readonly intervalMs: number;
    }
  | {
      readonly type: 'notify';
      readonly scope: 'INSTANCE' | 'GROUP';
      readonly name: string;
      readonly state: NotifyState;
      readonly priority: number;
    };

/** Options for {@link LinuxVrrpIo}. */
export interface LinuxVrrpIoOptions {
  readonly instances: readonly LinuxInstance[];
  /** Sync-group notify scripts by group name. */
  readonly groups?: Readonly<Record<string, NotifyScripts>>;
  /** `notify_fifo` / `vrrp_notify_fifo` paths, each with its optional `*_fifo_script`. */
  readonly fifos?: readonly { readonly path: string; readonly script?: string }[];
  /** The ownership record of addresses/routes/rules; `/run/tandem/vrrp-owned.json` by default. */
  readonly stateFile?: string;
  readonly notifyTimeoutMs?: number;
  readonly log?: Logger;
  /** Tests: run `ip`/`arping` in this namespace (sockets always live in the process's own). */
  readonly netns?: string;
  /** keepalived `vrrp_priority`: the nice value of the VRRP advert pacer process. */
  readonly pacerNice?: number;
}

/** The unicast peers a receiving socket filters on ('' = multicast, every source). */
function peersOf(list: readonly LinuxInstance[]): string {
  const multicast = list.some((i) => (i.unicastPeers ?? []).length === 0);
  return multicast ? '' : list.flatMap((i) => i.unicastPeers ?? []).join(' ');
}

/** What a sending socket is opened with: a change means a new socket. */
const sendKey = (i: LinuxInstance): string =>
  JSON.stringify([i.interface, i.family, i.source, i.unicastPeers, i.ttl]);

/**
 * The Linux side of VRRP in one object: checks privileges and interfaces at start, removes what a
 * crashed run left, opens one raw socket per instance, follows links, and runs the core's I/O
 * effects (adverts, VIPs, GARP/NA, notify). Nothing here decides anything: the pure core does.
 */
export class LinuxVrrpIo {
  readonly kernel: KernelConfig;
  #o: LinuxVrrpIoOptions;
  readonly #log: Logger;
  readonly #sockets = new Map<string, VrrpSocket>();
  /** Keeps fast adverts on time through main-loop pauses (the pacer process). */
  readonly #cover: AdvertCover;
  readonly #sendKeys = new Map<string, string>();
  /** Receiving sockets by `interface/family`, with the unicast peers each was opened for. */
  readonly #receivers = new Map<string, { socket: VrrpSocket; peers: string }>();
  #onPacket: (d: ReceivedDatagram) => void = () => undefined;
  readonly #na = new Map<string, UnsolicitedNa>();
  readonly #garp: GratuitousArp;
  readonly #ip: IpCommand;
  #notify: NotifyRunner | undefined;
  #links: LinkMonitor | undefined;

  constructor(options: LinuxVrrpIoOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLogger;
    const state = new OwnedState(options.stateFile ?? '/run/tandem/vrrp-owned.json');
    // One `ip -batch` process kept running: a takeover adds its VIPs without a fork, and if the daemon
    // dies that process deletes what the state file lists (ip-batch-session.ts).
    this.#ip = new IpCommand({
      persistent: true,
      ...(state.releaseFile === undefined ? {} : { releaseFile: state.releaseFile }),
      ...(options.netns === undefined ? {} : { netns: options.netns }),
    });
    this.kernel = new KernelConfig({ ip: this.#ip, state, log: this.#log });
    this.#cover = new AdvertCover(this.#log, options.pacerNice);
    this.#garp = new GratuitousArp({
      log: this.#log,
      ...(options.netns === undefined ? {} : { netns: options.netns }),
    });
  }

  /**
   * Starts: CAP_NET_RAW/CAP_NET_ADMIN (one error naming what is missing), every interface exists
   * (TANDEM_ERR_NO_INTERFACE naming the instance), stale VIPs of an earlier run removed, sockets
   * open, link monitor running. Each received advert goes to `onPacket` once; `d.interface` and
   * `d.family` (with the VRID inside) say which instance it is for.
   */
  async start(onPacket: (d: ReceivedDatagram) => void): Promise<void> {
    checkCapabilities();
    for (const i of this.#o.instances) await readInterface(this.#ip, i.interface, `vrrp_instance ${i.name}`);
    await this.kernel.removeStale();
    this.#ip.warm();
    this.#garp.warm();
    try {
      await this.#open(onPacket);
    } catch (err) {
      // A failed start leaves nothing running (sockets, the monitor child, FIFO readers).
      await this.stop();
      throw err;
    }
  }

  async #open(onPacket: (d: ReceivedDatagram) => void): Promise<void> {
    this.#onPacket = onPacket;
    this.#links = await LinkMonitor.start({ ip: this.#ip, log: this.#log });
    const scriptRunner = new ScriptRunner(this.#log);
    const fifos = (this.#o.fifos ?? []).map((f) =>
      NotifyFifo.open(
        f.path,
        this.#log,
        f.script === undefined ? undefined : { line: f.script, runner: scriptRunner },
      ),
    );
    this.#notify = new NotifyRunner({
      log: this.#log,
      fifos,
      scriptRunner,
      ...(this.#o.notifyTimeoutMs === undefined ? {} : { timeoutMs: this.#o.notifyTimeoutMs }),
      scripts: (scope, name) =>
        scope === 'GROUP' ? this.#o.groups?.[name] : this.#o.instances.find((i) => i.name === name)?.notify,
    });
    await this.#openSockets();
  }

  /**
   * Opens what the instances need and is not open yet, and closes what they no longer need. One
   * receiving socket per (interface, family), joined to the group if any instance there is
   * multicast: each raw socket gets its own copy of every advert, and the core must see each once.
   * Each instance sends on its own socket (its source, peers, TTL), with receiving paused. A socket
   * whose parameters are unchanged is kept, so a reload does not miss an advert.
   */
  async #openSockets(): Promise<void> {
    const receivers = new Map<string, LinuxInstance[]>();
    for (const i of this.#o.instances) {
      const key = `${i.interface}/${i.family}`;
      receivers.set(key, [...(receivers.get(key) ?? []), i]);
    }
    for (const [key, rx] of this.#receivers) {
      const list = receivers.get(key);
      if (list !== undefined && peersOf(list) === rx.peers) continue;
      rx.socket.close();
      this.#receivers.delete(key);
    }
    for (const [key, list] of receivers) {
      const first = list[0];
      if (first === undefined || this.#receivers.has(key)) continue;
      const peers = peersOf(list);
      const socket = await VrrpSocket.open(
        {
          family: first.family,
          interface: first.interface,
          ip: this.#ip,
          unicastPeers: peers === '' ? [] : peers.split(' '),
        },
        (d) => {
          this.#onPacket(d);
        },
        (err) => {
          this.#log.error(`VRRP socket on ${key}: ${err.message}`);
        },
      );
      this.#receivers.set(key, { socket, peers });
    }
    const senders = new Map(this.#o.instances.map((i) => [i.name, i]));
    for (const [name, socket] of this.#sockets) {
      const i = senders.get(name);
      if (i !== undefined && this.#sendKeys.get(name) === sendKey(i)) continue;
      socket.close();
      this.#sockets.delete(name);
      this.#sendKeys.delete(name);
    }
    for (const i of this.#o.instances) {
      if (this.#sockets.has(i.name)) continue;
      const socket = await VrrpSocket.open(
        {
          family: i.family,
          interface: i.interface,
          ip: this.#ip,
          receive: false,
          ...(i.source === undefined ? {} : { source: i.source }),
          ...(i.unicastPeers === undefined ? {} : { unicastPeers: i.unicastPeers }),
          ...(i.ttl === undefined ? {} : { ttl: i.ttl }),
        },
        () => undefined,
        (err) => {
          this.#log.error(`(${i.name}) VRRP socket error: ${err.message}`);
        },
      );
      this.#sockets.set(i.name, socket);
      this.#sendKeys.set(i.name, sendKey(i));
    }
    await this.#cover.sync(this.#o.instances, this.#sockets, this.#sendKeys);
  }

  /**
   * The instance left MASTER: from this call on, only the main loop may advertise for it. Called
   * synchronously in the transition, so the pacer never repeats a stale MASTER advert.
   */
  leftMaster(instance: string): void {
    this.#cover.leftMaster(instance);
  }

  /**
   * A reload: checks every interface first (a missing one rejects, nothing changed), then takes the
   * new instances and notify scripts and opens or closes sockets to match.
   */
  async reconfigure(
    instances: readonly LinuxInstance[],
    groups: Readonly<Record<string, NotifyScripts>>,
  ): Promise<void> {
    for (const i of instances) await readInterface(this.#ip, i.interface, `vrrp_instance ${i.name}`);
    this.#o = { ...this.#o, instances, groups };
    await this.#openSockets();
  }

  /** The instance's socket (source address, counters). */
  socket(instance: string): VrrpSocket | undefined {
    return this.#sockets.get(instance);
  }

  /** An edge-triggered up/down signal for an interface (for FAULT unless `dont_track_primary`, and track_interface). */
  interfaceSignal(name: string): Signal<TrackerState> {
    if (this.#links === undefined) throw new TandemError('TANDEM_ERR_SOCKET', 'LinuxVrrpIo is not started');
    return this.#links.signal(name);
  }

  /** Runs one effect. Never throws for I/O trouble: failures are logged (keepalived carries on too). */
  async run(e: LinuxEffect): Promise<void> {
    switch (e.type) {
      case 'send-advert': {
        const s = this.#sockets.get(e.instance);
        this.#cover.beforeSend(e);
        for (const p of e.packets) s?.send(p.dst, p.payload, e.src);
        this.#cover.afterSend(e);
        return;
      }
      case 'add-vips':
        this.#report(
          await this.kernel.addAddresses(
            e.instance,
            e.vips.map((v) => addressSpecFromVip(v, e.interface)),
          ),
        );
        return;
      case 'remove-vips':
        this.#report(
          await this.kernel.removeAddresses(e.vips.map((v) => addressSpecFromVip(v, e.interface))),
        );
        return;
      case 'send-garp':
        // keepalived -D wording (keepalived.md §5).
        for (const a of e.addresses) {
          const what = e.family === 'ipv4' ? 'gratuitous ARPs' : 'Unsolicited Neighbour Adverts';
          this.#log.debug(`(${e.instance}) Sending/queueing ${what} on ${e.interface} for ${a}`);
        }
        if (e.family === 'ipv4') void this.#garp.send(e.interface, e.addresses, e.repeat, e.intervalMs);
        else void this.#sendNa(e.interface, e.addresses, e.repeat, e.intervalMs);
        return;
      case 'notify':
        void this.#notify?.notify(e.scope, e.name, e.state, e.priority);
        return;
    }
  }

  /**
   * Graceful stop, after the core's shutdown effects ran (priority-0 adverts, remove-vips, notify
   * STOP): removes every address/route/rule Tandem still owns, closes sockets, lets STOP scripts
   * finish (1 s), stops the link monitor and the FIFOs.
   */
  async stop(): Promise<void> {
    await this.#cover.close();
    this.#report(await this.kernel.removeOwned());
    for (const s of [...this.#sockets.values(), ...[...this.#receivers.values()].map((r) => r.socket)])
      s.close();
    this.#sockets.clear();
    this.#sendKeys.clear();
    this.#receivers.clear();
    for (const n of this.#na.values()) n.close();
    this.#na.clear();
    this.#links?.stop();
    await Promise.all([this.#garp.close(), this.#ip.close(), this.#notify?.close()]);
  }

  async #sendNa(
    device: string,
    addresses: readonly string[],
    repeat: number,
    intervalMs: number,
  ): Promise<void> {
    try {
      let na = this.#na.get(device);
      if (na === undefined) {
        const info = await readInterface(this.#ip, device);
        na = UnsolicitedNa.open(device, info.index, info.mac);
        this.#na.set(device, na);
      }
      await na.send(addresses, repeat, intervalMs);
    } catch (err) {
      this.#log.warn(`unsolicited neighbour advert on ${device} failed: ${(err as Error).message}`);
    }
  }

  #report(outcomes: readonly ApplyOutcome[]): void {
    for (const o of outcomes) {
      if (o.result === 'not-owned')
        this.#log.debug(`${o.kind} ${o.args.join(' ')} was not added by Tandem; left alone`);
    }
  }
}
