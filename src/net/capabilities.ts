import { readFileSync } from 'node:fs';
import { TandemError } from '../core/errors.js';

/** The Linux capabilities Tandem's network layer needs (bit numbers from `linux/capability.h`). */
export const CAPABILITY_BITS = {
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
} as const;

/** A capability name Tandem checks. */
export type CapabilityName = keyof typeof CAPABILITY_BITS;

/** What each capability is needed for, shown in the error so the operator knows what to grant. */
const NEEDED_FOR: Readonly<Record<CapabilityName, string>> = {
  CAP_NET_RAW: 'raw VRRP sockets (IP protocol 112), gratuitous ARP and unsolicited neighbour adverts',
  CAP_NET_ADMIN: 'adding and removing virtual addresses, routes and rules, multicast membership',
};

/** Parses the effective capability set from `/proc/<pid>/status` text (`CapEff:\t000001ffffffffff`). */
export function parseCapEff(status: string): bigint | undefined {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  return m?.[1] === undefined ? undefined : BigInt(`0x${m[1]}`);
}

/** The capabilities of `wanted` missing from an effective set. */
export function missingCapabilities(capEff: bigint, wanted: readonly CapabilityName[]): CapabilityName[] {
  return wanted.filter((c) => (capEff & (1n << BigInt(CAPABILITY_BITS[c]))) === 0n);
}

/**
 * Throws one clear TANDEM_ERR_PRIVILEGE naming every missing capability and what it is for, e.g.
 * `missing capability CAP_NET_RAW (needed for raw VRRP sockets ...); run as root or grant it
 * (systemd: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN)`. Reads `/proc/self/status` unless given the text.
 */
export function checkCapabilities(
  wanted: readonly CapabilityName[] = ['CAP_NET_RAW', 'CAP_NET_ADMIN'],
  statusText?: string,
): void {
  const text = statusText ?? readFileSync('/proc/self/status', 'utf8');
  const eff = parseCapEff(text);
  if (eff === undefined) return; // not Linux procfs: let the socket call report the failure itself
  const missing = missingCapabilities(eff, wanted);
  if (missing.length === 0) return;
  const what = missing.map((c) => `${c} (needed for ${NEEDED_FOR[c]})`).join(' and ');
  throw new TandemError(
    'TANDEM_ERR_PRIVILEGE',
    `missing capability ${what}; run as root or grant it (systemd: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN)`,
  );
}
