import { spawnSync } from 'node:child_process';
import type { Directive } from '../../directive.js';

function known(database: 'passwd' | 'group', name: string): boolean {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) return false;
  return spawnSync('getent', [database, name], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

/**
 * The checks nginx makes of host settings Tandem otherwise accepts quietly: `user NAME [GROUP]` must
 * name an existing user and group when run as root (ngx_set_user: getpwnam/getgrnam; the group
 * defaults to the user's name), and `worker_connections` must be a number. Returns nginx's message,
 * or undefined.
 */
export function checkHostSetting(d: Directive): string | undefined {
  if (d.name === 'worker_connections') {
    // ngx_event_connections: ngx_atoi.
    const text = d.args[0]?.text ?? '';
    return /^[0-9]+$/.test(text) ? undefined : `invalid number "${text}"`;
  }
  if (d.name !== 'user' || process.getuid?.() !== 0) return undefined;
  const user = d.args[0]?.text ?? '';
  const group = d.args[1]?.text ?? user;
  if (!known('passwd', user)) return `getpwnam("${user}") failed`;
  if (!known('group', group)) return `getgrnam("${group}") failed`;
  return undefined;
}
