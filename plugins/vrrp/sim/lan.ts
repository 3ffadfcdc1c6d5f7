/**
 * A simulated LAN for VRRP: N routers, each a {@link VrrpMachine} on one shared VirtualClock, exchanging the
 * real encoded bytes (IPv4 datagrams with keepalived's header, or IPv6 payloads with hop limit) through the
 * real decoder, with packet loss, latency and partitions. Deterministic: randomness is a seeded Random.
 */
import { VirtualClock, seededRandom, type Random } from '../../../src/index.js';
import { isMulticast } from '../codec/address.js';
import { buildIPv4Header } from '../codec/ipv4-header.js';
import { packetFromIPv4Datagram, type ReceivedVrrpPacket } from '../codec/packet.js';
import { VrrpMachine } from '../machine.js';
import type { VrrpParams } from '../params.js';
import type { VrrpEffect, VrrpStateName } from '../types.js';

/** One frame on the simulated wire. */
export interface SimFrame {
  readonly t: number;
  readonly from: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  /** IPv4: the whole datagram; IPv6: the VRRP payload. */
  readonly bytes: Uint8Array;
}

/** A timestamped record of something a router did. */
export interface SimRecord<T> {
  readonly t: number;
  readonly value: T;
}

/** One router on the simulated LAN. */
export class SimRouter {
  machine: VrrpMachine;
  /** VIPs currently configured on this router, as `instance address`. */
  readonly vips = new Set<string>();
  readonly effects: SimRecord<VrrpEffect>[] = [];
  alive = true;
  #ipId = 1;

  constructor(
    readonly lan: SimLan,
    readonly name: string,
    readonly params: VrrpParams,
    readonly iface = 'eth0',
  ) {
    this.machine = this.#newMachine();
  }

  #newMachine(): VrrpMachine {
    return new VrrpMachine(this.params, this.lan.clock, (e) => {
      this.#apply(e);
    });
  }

  #apply(e: VrrpEffect): void {
    this.effects.push({ t: this.lan.clock.now(), value: e });
    if (e.type === 'add-vips') for (const v of e.vips) this.vips.add(`${e.instance} ${v.address}`);
    else if (e.type === 'remove-vips') for (const v of e.vips) this.vips.delete(`${e.instance} ${v.address}`);
    else if (e.type === 'send-advert') {
      for (const p of e.packets) {
        const bytes =
          e.family === 'ipv4'
            ? concat(
                buildIPv4Header({
                  src: e.src,
                  dst: p.dst,
                  payloadLength: p.payload.length,
                  id: this.#ipId++,
                }),
                p.payload,
              )
            : p.payload;
        this.lan.transmit({
          t: this.lan.clock.now(),
          from: this.name,
          family: e.family,
          src: e.src,
          dst: p.dst,
          ttl: 255,
          bytes,
        });
      }
    }
  }

  /** Delivers a frame from the wire. */
  deliver(f: SimFrame): void {
    if (!this.alive) return;
    const packet: ReceivedVrrpPacket | undefined =
      f.family === 'ipv4'
        ? packetFromIPv4Datagram(this.iface, f.bytes)
        : { family: 'ipv6', interface: this.iface, src: f.src, dst: f.dst, ttl: f.ttl, payload: f.bytes };
    if (packet !== undefined) this.machine.receive(packet);
  }

  /** Starts the router's VRRP process. */
  start(): void {
    this.machine.start();
  }

  /** kill -9: silent, VIPs stay configured. */
  crash(): void {
    this.alive = false;
    this.machine.kill();
  }

  /** SIGTERM: priority 0 from masters, VIPs removed, then gone. */
  stop(): void {
    this.machine.shutdown();
    this.alive = false;
  }

  /** Starts a fresh process (keepalived removes stale VIPs at start). */
  restart(): void {
    this.machine.kill();
    this.vips.clear();
    this.alive = true;
    this.machine = this.#newMachine();
    this.machine.start();
  }

  /** The state of an instance. */
  stateOf(instance: string): VrrpStateName | undefined {
    return this.machine.state.instances[instance]?.state;
  }

  /** Log lines (info and debug) with times. */
  logs(): SimRecord<string>[] {
    return this.effects.flatMap((r) => (r.value.type === 'log' ? [{ t: r.t, value: r.value.message }] : []));
  }

  /** Adverts sent, with times and priorities. */
  adverts(instance?: string): SimRecord<number>[] {
    return this.effects.flatMap((r) =>
      r.value.type === 'send-advert' && (instance === undefined || r.value.instance === instance)
        ? [{ t: r.t, value: r.value.priority }]
        : [],
    );
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Options of a {@link SimLan}. */
export interface SimLanOptions {
  /** One-way delivery delay in ms (default 0: delivered at the same instant, after the sender's step). */
  readonly latencyMs?: number;
  /** Probability of losing each frame to each receiver (default 0). */
  readonly loss?: number;
  readonly seed?: number;
}

/** The virtual LAN. */
export class SimLan {
  readonly clock = new VirtualClock(0);
  readonly routers = new Map<string, SimRouter>();
  readonly frames: SimFrame[] = [];
  #partition = new Map<string, number>();
  latencyMs: number;
  loss: number;
  readonly random: Random;

  constructor(o: SimLanOptions = {}) {
    this.latencyMs = o.latencyMs ?? 0;
    this.loss = o.loss ?? 0;
    this.random = seededRandom(o.seed ?? 1);
  }

  /** Adds a router running `params`. */
  add(name: string, params: VrrpParams, iface = 'eth0'): SimRouter {
    const r = new SimRouter(this, name, params, iface);
    this.routers.set(name, r);
    return r;
  }

  /** The router called `name`. */
  router(name: string): SimRouter {
    const r = this.routers.get(name);
    if (r === undefined) throw new Error(`no router ${name}`);
    return r;
  }

  /** Splits the LAN: routers in different sets no longer hear each other (carrier stays up). */
  partition(...sets: readonly string[][]): void {
    this.#partition = new Map(sets.flatMap((s, i) => s.map((n) => [n, i] as const)));
  }

  /** Ends every partition. */
  heal(): void {
    this.#partition.clear();
  }

  /** Puts a frame on the wire: every router in the sender's partition that it is addressed to gets it. */
  transmit(f: SimFrame): void {
    this.frames.push(f);
    for (const r of this.routers.values()) {
      if (r.name === f.from) continue;
      if ((this.#partition.get(r.name) ?? -1) !== (this.#partition.get(f.from) ?? -1)) continue;
      if (!isMulticast(f.family, f.dst) && !routerOwns(r, f.dst)) continue;
      if (this.loss > 0 && this.random() < this.loss) continue;
      this.clock.setTimeout(() => {
        r.deliver(f);
      }, this.latencyMs);
    }
  }

  /** Runs the LAN until `t` ms. */
  runUntil(t: number): void {
    this.clock.advanceTo(t);
  }
}

function routerOwns(r: SimRouter, addr: string): boolean {
  return r.params.instances.some((i) => i.sourceAddress === addr);
}
