import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** A user (and optional group) as written in keepalived's `user` / `script_user` keywords. */
export interface ScriptUserName {
  readonly user: string;
  readonly group?: string;
}

/** The resolved identity a script runs as. */
export interface ScriptIdentity {
  readonly uid: number;
  readonly gid: number;
}

/** A lookup result: the identity, or keepalived's message for why it failed. */
export type ScriptUserResult =
  { readonly ok: true; readonly identity: ScriptIdentity } | { readonly ok: false; readonly message: string };

/** Looks up one NSS database entry (`getent passwd NAME`), so LDAP/sssd users work as in glibc. */
async function getent(db: 'passwd' | 'group', name: string): Promise<string[] | undefined> {
  const line = await new Promise<string | undefined | null>((resolve) => {
    execFile('getent', [db, name], { timeout: 5000 }, (err, stdout) => {
      if (err === null) resolve(stdout.split('\n')[0]);
      // exit 2 = key not found; anything else (getent missing) falls back to the file.
      else resolve((err as { code?: unknown }).code === 2 ? undefined : null);
    });
  });
  if (line !== null) return line?.split(':');
  const file = await readFile(db === 'passwd' ? '/etc/passwd' : '/etc/group', 'utf8').catch(() => '');
  return file
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f[0] === name);
}

function numberField(fields: readonly string[], i: number): number | undefined {
  const v = fields[i];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * Resolves a script user and group the way keepalived's `set_uid_gid` (lib/notify.c) does: the
 * user's primary group unless a group is named; messages are keepalived's (`Script user 'x' does
 * not exist`, `Script group 'x' does not exist`).
 */
export async function resolveScriptUser(name: ScriptUserName): Promise<ScriptUserResult> {
  const pw = await getent('passwd', name.user);
  const uid = pw === undefined ? undefined : numberField(pw, 2);
  const pgid = pw === undefined ? undefined : numberField(pw, 3);
  if (uid === undefined || pgid === undefined) {
    return { ok: false, message: `Script user '${name.user}' does not exist` };
  }
  if (name.group === undefined) return { ok: true, identity: { uid, gid: pgid } };
  const gr = await getent('group', name.group);
  const gid = gr === undefined ? undefined : numberField(gr, 2);
  if (gid === undefined) return { ok: false, message: `Script group '${name.group}' does not exist` };
  return { ok: true, identity: { uid, gid } };
}

/** The user keepalived runs scripts as by default when it exists (`get_default_script_user`). */
export const DEFAULT_SCRIPT_USER = 'keepalived_script';
