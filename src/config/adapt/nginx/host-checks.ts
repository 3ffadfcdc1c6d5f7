import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
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
  if (d.name === 'worker_processes') {
    // ngx_set_worker_processes: "auto" or ngx_atoi.
    const text = d.args[0]?.text ?? '';
    return text === 'auto' || /^[0-9]+$/.test(text)
      ? undefined
      : '"worker_processes" directive invalid value';
  }
  if (d.name === 'worker_priority') {
    return /^[-+]?[0-9]+$/.test(d.args[0]?.text ?? '')
      ? undefined
      : '"worker_priority" directive invalid number';
  }
  if (d.name === 'use') {
    // The event methods of Debian's Linux build.
    const method = d.args[0]?.text ?? '';
    return ['epoll', 'poll', 'select'].includes(method) ? undefined : `invalid event type "${method}"`;
  }
  if (d.name !== 'user' || process.getuid?.() !== 0) return undefined;
  const user = d.args[0]?.text ?? '';
  const group = d.args[1]?.text ?? user;
  if (!known('passwd', user)) return `getpwnam("${user}") failed`;
  if (!known('group', group)) return `getgrnam("${group}") failed`;
  return undefined;
}

/** Log targets that are not files (ngx_log_set_log, ngx_http_log_set_log). */
const NOT_A_FILE = /^(off|stderr|syslog:|memory:)/;

/**
 * nginx -t opens every log file it is given (creating it when missing), so a log in a directory that
 * does not exist refuses the file: `open() "PATH" failed (2: No such file or directory)`. Tandem checks
 * the directory without creating anything. Relative paths depend on nginx's prefix and are left alone.
 */
export function checkLogPath(d: Directive): string | undefined {
  if (d.name !== 'access_log' && d.name !== 'error_log' && d.name !== 'pid') return undefined;
  const path = d.args[0]?.text ?? '';
  if (NOT_A_FILE.test(path) || path.includes('$') || !isAbsolute(path)) return undefined;
  const dir = dirname(path);
  const ok = existsSync(dir) && statSync(dir).isDirectory();
  return ok ? undefined : `open() "${path}" failed (2: No such file or directory)`;
}
