/**
 * What keepalived -t consults on the host besides the file: interfaces in the current network
 * namespace, users and groups, and script files (for script security). Injected so golden tests
 * do not depend on the machine.
 */
import { readFileSync, readdirSync, lstatSync, statSync, realpathSync } from 'node:fs';

/** A user as getpwnam(3) returns it. */
export interface HostUser {
  readonly uid: number;
  readonly gid: number;
}

/** The result of keepalived's `check_script_secure` for one script path. */
export type ScriptVerdict = 'notfound' | 'insecure' | 'ok';

/** The host facts the keepalived adapters need. */
export interface KeepalivedHost {
  /** `missing`, `loopback` or `ok` for an interface name in the current namespace. */
  interfaceKind(name: string): 'missing' | 'loopback' | 'ok';
  user(name: string): HostUser | undefined;
  group(name: string): number | undefined;
  /** Whether a script runs, and whether its path is safe (root-owned, not writable by others). */
  script(path: string): ScriptVerdict;
}

function readColonFile(path: string): string[][] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

function findInPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    try {
      const p = `${dir}/${name}`;
      if (statSync(p).isFile()) return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** keepalived `check_security`: every path component root-owned, not group/other writable. */
function pathIsSecure(path: string): boolean {
  const parts = path.split('/').filter((p) => p !== '');
  let cur = '';
  for (let i = 0; i <= parts.length; i++) {
    cur = i === 0 ? '/' : `${cur === '/' ? '' : cur}/${parts[i - 1] ?? ''}`;
    try {
      const st = lstatSync(cur);
      const isDir = st.isDirectory();
      if (st.uid !== 0) return false;
      const sticky = (st.mode & 0o1000) !== 0;
      if (
        ((isDir && !sticky) || st.isFile()) &&
        ((st.gid !== 0 && (st.mode & 0o020) !== 0) || (st.mode & 0o002) !== 0)
      ) {
        return false;
      }
    } catch {
      return false;
    }
  }
  return true;
}

/** The real host: /sys/class/net, /etc/passwd, /etc/group and the file system. */
export const systemHost: KeepalivedHost = {
  interfaceKind(name) {
    try {
      if (!readdirSync('/sys/class/net').includes(name)) return 'missing';
      const type = readFileSync(`/sys/class/net/${name}/type`, 'utf8').trim();
      return type === '772' ? 'loopback' : 'ok';
    } catch {
      return 'missing';
    }
  },
  user(name) {
    const row = readColonFile('/etc/passwd').find((r) => r[0] === name);
    return row === undefined ? undefined : { uid: Number(row[2]), gid: Number(row[3]) };
  },
  group(name) {
    const row = readColonFile('/etc/group').find((r) => r[0] === name);
    return row === undefined ? undefined : Number(row[2]);
  },
  script(path) {
    // A script starting `</` only tests a file for being openable: never executed (SC_SYSTEM).
    if (/^<\s*\//.test(path)) return 'ok';
    const file = path.includes('/') ? path : findInPath(path);
    if (file === undefined) return 'notfound';
    let real: string;
    try {
      real = realpathSync(file);
      if (!statSync(real).isFile()) return 'notfound';
    } catch {
      return 'notfound';
    }
    return pathIsSecure(file) && pathIsSecure(real) ? 'ok' : 'insecure';
  },
};

/** A fixed host for tests: the named interfaces exist (`lo` is loopback), root and nobody exist. */
export function fixedHost(interfaces: readonly string[], base: KeepalivedHost = systemHost): KeepalivedHost {
  return {
    interfaceKind: (name) => (name === 'lo' ? 'loopback' : interfaces.includes(name) ? 'ok' : 'missing'),
    user: (name) =>
      name === 'root' ? { uid: 0, gid: 0 } : name === 'nobody' ? { uid: 65534, gid: 65534 } : undefined,
    group: (name) => (name === 'root' ? 0 : name === 'nogroup' ? 65534 : undefined),
    script: (path) => base.script(path),
  };
}
