/**
 * The keepalived.conf settings the VRRP service refuses to run: ones the engine does not implement
 * and whose stand-in would be unsafe. `tandem -t` only warns about them (keepalived -t accepts them,
 * and the exit codes must agree); starting or reloading with one is refused, so an operator never
 * gets unauthenticated adverts for an `auth_type AH` pair, or a VIP taken by an instance keepalived
 * would hold in FAULT (`unicast_fault_no_peer` without peers, keepalived vrrp.c l.3394).
 */
import {
  AH_NOT_SUPPORTED,
  FAULT_NO_PEER_NOT_SUPPORTED,
  TandemError,
  formatLoc,
  type KeepalivedConfig,
} from '../../../src/index.js';

/** One line per instance Tandem must not run (`file:line:col: (NAME) keyword is not supported: ...`). */
export function unsafeInstances(model: KeepalivedConfig): string[] {
  const out: string[] = [];
  for (const i of model.vrrpInstances) {
    const at = `${formatLoc(i.loc)}: (${i.name})`;
    if (i.authentication?.type === 'AH') out.push(`${at} auth_type AH is not supported: ${AH_NOT_SUPPORTED}`);
    if (i.unicastFaultNoPeer && i.unicastPeers.length === 0)
      out.push(`${at} unicast_fault_no_peer is not supported: ${FAULT_NO_PEER_NOT_SUPPORTED}`);
  }
  return out;
}

/** Throws TANDEM_ERR_CONFIG_UNSAFE listing every such instance; `action` is `start` or `reload`. */
export function refuseUnsafeConfig(model: KeepalivedConfig, action: 'start' | 'reload'): void {
  const lines = unsafeInstances(model);
  if (lines.length === 0) return;
  const what = action === 'start' ? 'not starting VRRP' : 'reload refused, the running configuration is kept';
  throw new TandemError('TANDEM_ERR_CONFIG_UNSAFE', `${what}:\n${lines.join('\n')}`, { pluginId: 'vrrp' });
}
