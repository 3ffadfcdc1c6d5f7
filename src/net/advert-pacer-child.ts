/**
 * The advert pacer's process (see advert-pacer.ts): its own event loop, its own send-only raw
 * sockets and nothing else, so a pause of the daemon's main loop (a long request, a /metrics
 * scrape, a scavenge) does not delay a MASTER's adverts. keepalived gets the same isolation by
 * running VRRP in a child process of its own (vrrp.md §4 "practical limit"). A process, not a
 * worker thread: raw-socket is not context-aware, and a second copy of it in a worker crashed the
 * daemon at thread exit 6 times in 20 (measured here).
 */
import { setPriority } from 'node:os';
import { messageOf } from '../core/errors.js';
import type { FromPacer, PacedPacket, PacerSettings, ToPacer } from './advert-pacer-protocol.js';
import { VrrpSocket } from './vrrp-socket.js';

interface Slot {
  readonly socket: VrrpSocket;
  intervalMs: number;
  slackMs: number;
  packets: readonly PacedPacket[];
  armed: boolean;
  timer: NodeJS.Timeout | undefined;
  /** When the main loop's last "sent" arrived (performance.now()). */
  mainAt: number;
  /** When this process last sent for the slot in the current pause, or -1. */
  coveredAt: number;
  gaveUp: boolean;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as PacerSettings;
const slots = new Map<number, Slot>();

function post(m: FromPacer): void {
  if (process.connected) process.send?.(m);
}

function schedule(n: number, s: Slot, inMs: number): void {
  clearTimeout(s.timer);
  s.timer = setTimeout(
    () => {
      tick(n, s);
    },
    Math.max(0, inMs),
  );
}

/**
 * Sends the slot's adverts when the main loop is late by the slack, then keeps the interval until
 * the main loop sends again; stops when disarmed or when the main loop was silent past the budget.
 */
function tick(n: number, s: Slot): void {
  s.timer = undefined;
  if (!s.armed) return;
  const now = performance.now();
  const due = s.coveredAt >= 0 ? s.coveredAt + s.intervalMs : s.mainAt + s.intervalMs + s.slackMs;
  if (now < due) {
    schedule(n, s, due - now);
    return;
  }
  if (now - s.mainAt > settings.stallBudgetMs) {
    if (!s.gaveUp) post({ type: 'gave-up', slot: n, silentMs: now - s.mainAt });
    s.gaveUp = true;
    return; // the main loop's next "sent" re-arms the cover
  }
  for (const p of s.packets) s.socket.send(p.dst, p.payload, p.src);
  post({ type: 'covered', slot: n, lateMs: now - s.mainAt - s.intervalMs });
  s.coveredAt = now;
  schedule(n, s, s.intervalMs);
}

function sentByMain(n: number, s: Slot): void {
  s.mainAt = performance.now();
  s.coveredAt = -1;
  s.gaveUp = false;
  if (s.armed && s.timer === undefined) schedule(n, s, s.intervalMs + s.slackMs);
}

function open(m: Extract<ToPacer, { type: 'open' }>): void {
  try {
    const socket = VrrpSocket.openSender({
      family: m.family,
      interface: m.interface,
      ifindex: m.ifindex,
      source: m.source,
      ttl: m.ttl,
    });
    slots.set(m.slot, {
      socket,
      intervalMs: 1000,
      slackMs: 0,
      packets: [],
      armed: false,
      timer: undefined,
      mainAt: performance.now(),
      coveredAt: -1,
      gaveUp: false,
    });
  } catch (err) {
    post({ type: 'error', slot: m.slot, message: messageOf(err) });
  }
}

function onMessage(m: ToPacer): void {
  const s = m.type === 'open' || m.type === 'close' ? undefined : slots.get(m.slot);
  switch (m.type) {
    case 'open':
      open(m);
      return;
    case 'adverts':
      if (s === undefined) return;
      s.intervalMs = m.intervalMs;
      // Late by 40% of the interval (2 to 50 ms): at 10 ms adverts no gap passes ~14 ms plus this
      // process's wake-up, well below Master_Down_Interval (36.1 ms at priority 100).
      s.slackMs = Math.max(2, Math.min(50, m.intervalMs * 0.4));
      s.packets = m.packets;
      s.armed = true;
      sentByMain(m.slot, s);
      return;
    case 's':
      if (s !== undefined) sentByMain(m.slot, s);
      return;
    case 'disarm':
      if (s === undefined) return;
      s.armed = false;
      clearTimeout(s.timer);
      s.timer = undefined;
      return;
    case 'forget':
      if (s === undefined) return;
      clearTimeout(s.timer);
      s.socket.close();
      slots.delete(m.slot);
      return;
    case 'close':
      shutdown();
      return;
  }
}

let ending = false;

function shutdown(): void {
  if (ending) return;
  ending = true;
  for (const s of slots.values()) {
    s.armed = false;
    clearTimeout(s.timer);
    s.socket.close();
  }
  slots.clear();
  if (process.connected) process.disconnect();
  // A later turn, so raw-socket's poll handles see their close before the process ends.
  setTimeout(() => process.exit(0), 5);
}

let niceError: string | undefined;
if (settings.nice !== undefined) {
  try {
    setPriority(settings.nice);
  } catch (err) {
    niceError = messageOf(err);
  }
}
process.on('message', (m: ToPacer) => {
  onMessage(m);
});
// The daemon died (kill -9 included): stop advertising for it at once.
process.on('disconnect', () => {
  shutdown();
});
post({ type: 'ready', ...(niceError === undefined ? {} : { niceError }) });
