/**
 * `unicast_peer { IP [min_ttl N] [max_ttl N] }` entries (keepalived vrrp_data.c
 * `alloc_vrrp_unicast_peer`): the peer must match the instance's address family.
 */
import type { Directive } from '../../directive.js';
import type { UnicastPeerConfig } from '../../model/keepalived.js';
import { parseIp } from './address.js';
import type { KaContext } from './context.js';
import type { InstanceDraft } from './instance-draft.js';

/** Reads one unicast peer line; undefined when keepalived skips it. */
export function unicastPeer(ctx: KaContext, v: InstanceDraft, e: Directive): UnicastPeerConfig | undefined {
  const ip = parseIp(e.name);
  if (ip === undefined) {
    ctx.error(
      `Configuration error: VRRP instance[${v.name}] malformed unicast peer address[${e.name}]. Skipping...`,
      e.loc,
    );
    return undefined;
  }
  if (v.family !== undefined && ip.family !== v.family) {
    ctx.error(
      `Configuration error: VRRP instance[${v.name}] and unicast peer address[${e.name}] MUST be of the same family !!! Skipping...`,
      e.loc,
    );
    return undefined;
  }
  v.family ??= ip.family;
  let minTtl = 0;
  let maxTtl = 255;
  for (let i = 0; i < e.args.length; i += 2) {
    const k = e.args[i];
    const val = e.args[i + 1];
    if (k === undefined) break;
    if (k.text !== 'min_ttl' && k.text !== 'max_ttl') {
      ctx.error(`(${v.name}) unknown unicast_peer option ${k.text}`, e.loc);
      continue;
    }
    if (val === undefined) {
      ctx.error(`(${v.name}) ${k.text} is missing a value`, e.loc);
      break;
    }
    const n = ctx.unsigned(val, 0, 255);
    if (n !== undefined && k.text === 'min_ttl') minTtl = n;
    else if (n !== undefined) maxTtl = n;
  }
  if (minTtl > maxTtl)
    ctx.error(`(${v.name}) min_ttl ${minTtl} > max_ttl ${maxTtl} - all packets will be discarded`, e.loc);
  return { address: ip.address, minTtl, maxTtl, loc: e.loc };
}
