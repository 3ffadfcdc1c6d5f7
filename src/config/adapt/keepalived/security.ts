/**
 * Script security (keepalived vrrp.c `check_vrrp_script_security` l.200, lib/notify.c
 * `check_script_secure`): if any script that would run exists and `enable_script_security` is off,
 * keepalived reports `SECURITY VIOLATION` and `-t` exits 6. With it on, unsafe scripts are disabled.
 */
import type { ScriptCommandConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';

/** Checks every script that keepalived would run; returns the ones it would keep. */
export function checkScriptSecurity(
  ctx: KaContext,
  scripts: readonly ScriptCommandConfig[],
  enabled: boolean,
): Set<ScriptCommandConfig> {
  const kept = new Set<ScriptCommandConfig>();
  let isScript = false;
  let insecure = false;
  for (const s of scripts) {
    const path = s.argv[0] ?? '';
    const verdict = ctx.host.script(path);
    if (verdict === 'notfound') {
      ctx.tandem(
        'TANDEM_KA_SCRIPT_MISSING',
        `script ${path} cannot be found - keepalived disables it`,
        s.loc,
      );
      continue;
    }
    isScript = true;
    // Only scripts run as root need a safe path (need_script_protection).
    if (verdict === 'insecure' && (s.user === undefined || s.user === 'root')) {
      insecure = true;
      ctx.tandem(
        'TANDEM_KA_SCRIPT_UNSAFE',
        `Unsafe permissions found for script '${path}'${enabled ? ' - disabling' : ''}.`,
        s.loc,
      );
      if (enabled) continue;
    }
    kept.add(s);
  }
  if (!enabled && isScript) {
    ctx.report(
      'security',
      `SECURITY VIOLATION - scripts are being executed but script_security not enabled.${insecure ? ' There are insecure scripts.' : ''}`,
    );
  }
  return kept;
}
