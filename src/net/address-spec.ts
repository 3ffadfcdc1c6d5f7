import { isIPv6 } from 'node:net';

/**
 * One virtual address as keepalived's `virtual_ipaddress` / `virtual_ipaddress_excluded` line
 * describes it (keepalived.md §1.4): `<IP>[/<len>] [brd <IP>|+|-] [dev IF] [scope S] [label IF:x]
 * [peer <IP>] [home] [-nodad] [mngtmpaddr] [noprefixroute] [autojoin] [preferred_lft N|forever]`.
 */
export interface AddressSpec {
  readonly address: string;
  /** Prefix length; /32 (IPv4) or /128 (IPv6) when absent, as keepalived. */
  readonly prefixLength?: number;
  /** The device; the instance's interface when the config has no `dev`. */
  readonly device: string;
  /** `brd`: an address, `+` (set host bits) or `-` (clear them). IPv4 only. */
  readonly broadcast?: string;
  /** `scope global|site|link|host|nowhere` or a number. IPv4 only in keepalived. */
  readonly scope?: string;
  /** `label IF:x` (IPv4 only; must start with the device name, an iproute2 rule). */
  readonly label?: string;
  readonly peer?: string;
  readonly home?: boolean;
  readonly mngtmpaddr?: boolean;
  readonly noPrefixRoute?: boolean;
  readonly autojoin?: boolean;
  readonly preferredLft?: string;
  /**
   * IPv6 duplicate address detection. keepalived adds IPv6 VIPs with IFA_F_NODAD (vrrp.md §1.8) so
   * they are usable at once; `-nodad` in the config turns that off, i.e. `dad: true` here.
   */
  readonly dad?: boolean;
}

/** The address with its prefix, e.g. `198.51.100.100/24` (the form `ip addr` and the state file use). */
export function addressCidr(spec: AddressSpec): string {
  const len = spec.prefixLength ?? (isIPv6(spec.address) ? 128 : 32);
  return `${spec.address}/${len}`;
}

/** The `ip addr add|del` arguments for a spec (after `addr add`). */
export function addressArgs(spec: AddressSpec): string[] {
  const v6 = isIPv6(spec.address);
  const args = [addressCidr(spec)];
  if (spec.peer !== undefined) args.push('peer', spec.peer);
  if (spec.broadcast !== undefined && !v6) args.push('broadcast', spec.broadcast);
  args.push('dev', spec.device);
  if (spec.scope !== undefined) args.push('scope', spec.scope);
  if (spec.label !== undefined && !v6) args.push('label', spec.label);
  if (spec.home === true) args.push('home');
  if (spec.mngtmpaddr === true) args.push('mngtmpaddr');
  if (spec.noPrefixRoute === true) args.push('noprefixroute');
  if (spec.autojoin === true) args.push('autojoin');
  if (spec.preferredLft !== undefined) args.push('preferred_lft', spec.preferredLft);
  if (v6 && spec.dad !== true) args.push('nodad');
  return args;
}

/**
 * Builds an {@link AddressSpec} from the VRRP model's VIP shape (`{ address, prefixLength?, device?,
 * options? }`, options holding the remaining keywords as written: `brd`, `scope`, `label`, `peer`,
 * `preferred_lft`, and flags `home`, `-nodad`, `mngtmpaddr`, `noprefixroute`, `autojoin`).
 */
export function addressSpecFromVip(
  vip: {
    readonly address: string;
    readonly prefixLength?: number;
    readonly device?: string;
    readonly options?: Readonly<Record<string, string>>;
  },
  defaultDevice: string,
): AddressSpec {
  const o = vip.options ?? {};
  const flag = (k: string): boolean => k in o && o[k] !== 'false';
  const spec: Record<string, unknown> = { address: vip.address, device: vip.device ?? defaultDevice };
  if (vip.prefixLength !== undefined) spec.prefixLength = vip.prefixLength;
  const brd = o.brd ?? o.broadcast;
  if (brd !== undefined) spec.broadcast = brd;
  if (o.scope !== undefined) spec.scope = o.scope;
  if (o.label !== undefined) spec.label = o.label;
  if (o.peer !== undefined) spec.peer = o.peer;
  if (o.preferred_lft !== undefined) spec.preferredLft = o.preferred_lft;
  if (flag('home')) spec.home = true;
  if (flag('mngtmpaddr')) spec.mngtmpaddr = true;
  if (flag('noprefixroute')) spec.noPrefixRoute = true;
  if (flag('autojoin')) spec.autojoin = true;
  if (flag('-nodad')) spec.dad = true;
  return spec as unknown as AddressSpec;
}

/**
 * `ip route` / `ip rule` arguments from a keepalived `virtual_routes` / `virtual_rules` line: the
 * deprecated `gw` becomes `via`, and keepalived-only keywords (`no_track`) are dropped.
 */
export function routeOrRuleArgs(words: readonly string[]): string[] {
  return words.filter((w) => w !== 'no_track').map((w) => (w === 'gw' ? 'via' : w));
}
