/**
 * Script security (keepalived vrrp.c `check_vrrp_script_security` l.205, lib/notify.c
 * `check_script_secure`): every vrrp_script (used or not) and every notify script is checked; a
 * tracked script that cannot be found or is unsafe under `enable_script_security` is disabled with a
 * configuration error; if any script exists and script security is off, keepalived reports
 * `SECURITY VIOLATION` and `-t` exits 6.
 */
import type { ScriptCommandConfig, VrrpScriptConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';

/** The outcome: names of vrrp_scripts and notify commands keepalived disables. */
export interface SecurityOutcome {
  readonly disabledScripts: ReadonlySet<string>;
  readonly disabledNotify: ReadonlySet<ScriptCommandConfig>;
}

/** Runs keepalived's script checks in its order. */
export function checkScriptSecurity(
  ctx: KaContext,
  vrrpScripts: readonly VrrpScriptConfig[],
  notify: readonly ScriptCommandConfig[],
  enabled: boolean,
): SecurityOutcome {
  const disabledScripts = new Set<string>();
  const disabledNotify = new Set<ScriptCommandConfig>();
  // Mutated inside the closure below, hence an object (flow analysis does not see closure writes).
  const seen: { first?: ScriptCommandConfig; insecure: boolean } = { insecure: false };
  const verdict = (s: ScriptCommandConfig): 'notfound' | 'inhibit' | 'ok' => {
    const path = s.argv[0] ?? '';
    const v = ctx.host.script(path);
    if (v === 'notfound') return 'notfound';
    seen.first ??= s;
    // need_script_protection: only scripts run as root need a safe path.
    if (v === 'insecure' && (s.user === undefined || s.user === 'root')) {
      seen.insecure = true;
      ctx.tandem(
        'TANDEM_KA_SCRIPT_UNSAFE',
        `Unsafe permissions found for script '${path}'${enabled ? ' - disabling' : ''}.`,
        s.loc,
      );
      if (enabled) return 'inhibit';
    }
    return 'ok';
  };
  for (const s of vrrpScripts) {
    const v = verdict(s.command);
    if (v === 'inhibit') ctx.error(`Disabling track script ${s.name} due to insecure`, s.loc);
    else if (v === 'notfound')
      ctx.error(`Disabling track script ${s.name} since not found/accessible`, s.loc);
    if (v !== 'ok') disabledScripts.add(s.name);
  }
  for (const s of notify) {
    const v = verdict(s);
    if (v === 'notfound')
      ctx.tandem(
        'TANDEM_KA_SCRIPT_MISSING',
        `script ${s.argv[0] ?? ''} cannot be found - keepalived will not run it`,
        s.loc,
      );
    if (v !== 'ok') disabledNotify.add(s);
  }
  if (!enabled && seen.first !== undefined) {
    ctx.report(
      'security',
      `SECURITY VIOLATION - scripts are being executed but script_security not enabled.${seen.insecure ? ' There are insecure scripts.' : ''}`,
      seen.first.loc,
    );
  }
  return { disabledScripts, disabledNotify };
}
