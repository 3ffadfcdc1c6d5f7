import { constants as fsc, type Stats } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from './logger.js';
import type { ScriptIdentity } from './script-user.js';

/**
 * The outcome flags of keepalived's `check_script_secure` (lib/notify.c `SC_*`): `system` = run by
 * `/bin/sh` (a `</path` openability test), `script` = a real file was checked, `executable` = the
 * user may execute it, `insecure` = unsafe permissions seen, `inhibit` = refused, `notFound` = refused
 * because it cannot be found or accessed.
 */
export interface ScriptSecurityFlags {
  readonly system: boolean;
  readonly script: boolean;
  readonly executable: boolean;
  readonly insecure: boolean;
  readonly inhibit: boolean;
  readonly notFound: boolean;
}

/** The checked command: flags, and argv with argv[0] resolved (path search, symlinks) as keepalived does. */
export interface ScriptSecurityResult {
  readonly flags: ScriptSecurityFlags;
  readonly argv: readonly string[];
}

/** Mode bits Node's fs.constants leaves out (sys/stat.h). */
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;

const none: ScriptSecurityFlags = {
  system: false,
  script: false,
  executable: false,
  insecure: false,
  inhibit: false,
  notFound: false,
};

/** strerror(3) text for the errno codes a path check can meet. */
const strerror: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EPERM: 'Operation not permitted',
};

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'EIO';
}

/** keepalived's `is_executable`: root needs any x bit; otherwise owner, group, other in turn. */
export function isExecutableBy(st: Stats, id: ScriptIdentity): boolean {
  const m = st.mode;
  return (
    (id.uid === 0 && (m & (fsc.S_IXUSR | fsc.S_IXGRP | fsc.S_IXOTH)) !== 0) ||
    (id.uid === st.uid && (m & fsc.S_IXUSR) !== 0) ||
    (id.uid !== st.uid &&
      ((id.gid === st.gid && (m & fsc.S_IXGRP) !== 0) || (id.gid !== st.gid && (m & fsc.S_IXOTH) !== 0)))
  );
}

/**
 * Whether a file starts like something the kernel can exec (`#!` or an ELF header). keepalived built
 * with libmagic warns about the rest and runs them via the shell, which is what spawning does too.
 */
async function hasExecMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (fh === undefined) return true;
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    const head = buf.subarray(0, bytesRead);
    return (
      head.subarray(0, 2).toString('latin1') === '#!' || head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))
    );
  } catch {
    return true;
  } finally {
    await fh.close();
  }
}

/** glibc's execvp path search as keepalived's `find_path` does it, as the script's user. */
async function findInPath(file: string, id: ScriptIdentity): Promise<{ path?: string; eacces: boolean }> {
  const path = process.env['PATH'] ?? '/bin:/usr/bin';
  let eacces = false;
  for (const dir of path.split(':')) {
    const candidate = dir === '' ? file : `${dir}/${file}`;
    const st = await stat(candidate).catch(() => undefined);
    if (st === undefined) continue;
    if (st.isFile() && isExecutableBy(st, id)) return { path: candidate, eacces: false };
    eacces = true;
  }
  return { eacces };
}

/**
 * keepalived's `check_security`: every component of the path must be owned by root and not writable
 * by a non-root group or by others (directories with the sticky bit, like /tmp, are allowed).
 */
async function checkPathSecurity(
  filename: string,
  scriptSecurity: boolean,
  log: Logger,
): Promise<Partial<ScriptSecurityFlags>> {
  const parts = filename.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const last = i === parts.length;
    const prefix = i === 1 ? '/' : parts.slice(0, i).join('/');
    let st: Stats;
    try {
      st = await lstat(prefix);
    } catch (err) {
      const code = errCode(err);
      if (['EACCES', 'ELOOP', 'ENOENT', 'ENOTDIR'].includes(code)) {
        log.warn(`check_script_secure could not find script '${filename}' - disabling`);
      } else {
        log.warn(
          `check_script_secure('${filename}') returned errno ${code} - ${strerror[code] ?? code} - disabling`,
        );
      }
      return { notFound: true };
    }
    if ((!last && !st.isDirectory()) || (last && !st.isFile() && !st.isSymbolicLink())) {
      log.warn(`Wrong file type found in script path '${filename}'.`);
      return { inhibit: true };
    }
    const m = st.mode;
    const writableBit = (st.gid !== 0 && (m & fsc.S_IWGRP) !== 0) || (m & fsc.S_IWOTH) !== 0;
    const checked = (st.isDirectory() && (m & S_ISVTX) === 0) || st.isFile();
    if (st.uid !== 0 || (checked && writableBit)) {
      log.warn(`Unsafe permissions found for script '${filename}'${scriptSecurity ? ' - disabling' : ''}.`);
      return { insecure: true, inhibit: scriptSecurity };
    }
  }
  return {};
}

/**
 * Checks a script before it is ever run, exactly as keepalived's `check_script_secure` (lib/notify.c):
 * path search for bare names (with its warning), symlink resolution keeping the invoked file name,
 * the execute check for the script's uid:gid, and, when the script runs as root (or is set-uid/gid
 * root), the ownership and write-permission walk over every directory on its path. Log lines are
 * keepalived's word for word.
 */
export async function checkScriptSecurity(
  argv: readonly string[],
  id: ScriptIdentity,
  scriptSecurity: boolean,
  log: Logger,
): Promise<ScriptSecurityResult> {
  let file = argv[0] ?? '';
  const rest = argv.slice(1);
  // `</path`: an openability test that keepalived hands to the shell, never checked.
  if (/^<[ \t]*\//.test(file)) return { flags: { ...none, system: true }, argv };
  if (!file.includes('/')) {
    const found = await findInPath(file, id);
    if (found.path === undefined) {
      log.warn(
        found.eacces
          ? `Permissions failure for script ${file} in path - disabling`
          : `Cannot find script ${file} in path - disabling`,
      );
      return { flags: { ...none, notFound: true }, argv };
    }
    log.warn(
      `WARNING - script \`${file}\` resolved by path search to \`${found.path}\`. Please specify full path.`,
    );
    file = found.path;
  }
  let real: string;
  try {
    real = await realpath(file);
  } catch (err) {
    const code = errCode(err);
    log.warn(`Script ${file} cannot be accessed - ${strerror[code] ?? code}`);
    return { flags: { ...none, notFound: true }, argv: [file, ...rest] };
  }
  let realFile: string | undefined;
  if (real !== file) {
    let next = real;
    // Keep the invoked name when it names the same file: some programs act on argv[0].
    if (basename(real) !== basename(file)) {
      const kept = `${dirname(real)}/${basename(file)}`;
      const [a, b] = await Promise.all([
        stat(real).catch(() => undefined),
        stat(kept).catch(() => undefined),
      ]);
      if (a === undefined || (b !== undefined && a.dev === b.dev && a.ino === b.ino)) {
        next = kept;
        realFile = real;
      }
    }
    file = next;
  }
  const resolved = [file, ...rest];
  const st = await stat(realFile ?? file).catch(() => undefined);
  if (st === undefined) {
    log.warn(`Unable to access script \`${file}\` - disabling`);
    return { flags: { ...none, notFound: true }, argv: resolved };
  }
  let flags: ScriptSecurityFlags = { ...none, script: true };
  let needProtection = false;
  if (isExecutableBy(st, id)) {
    flags = { ...flags, executable: true };
    const m = st.mode;
    needProtection =
      id.uid === 0 ||
      id.gid === 0 ||
      (st.uid === 0 && (m & fsc.S_IXUSR) !== 0 && (m & S_ISUID) !== 0) ||
      (st.gid === 0 && (m & fsc.S_IXGRP) !== 0 && (m & S_ISGID) !== 0);
    if (!(await hasExecMagic(realFile ?? file))) log.warn(`Please add a #! shebang to script ${file}`);
  } else {
    log.warn(`WARNING - script '${file}' is not executable for uid:gid ${id.uid}:${id.gid} - disabling.`);
  }
  if (!needProtection) return { flags, argv: resolved };
  flags = { ...flags, ...(await checkPathSecurity(file, scriptSecurity, log)) };
  if (realFile !== undefined) {
    const more = await checkPathSecurity(realFile, scriptSecurity, log);
    flags = {
      ...flags,
      insecure: flags.insecure || (more.insecure ?? false),
      inhibit: flags.inhibit || (more.inhibit ?? false),
      notFound: flags.notFound || (more.notFound ?? false),
    };
  }
  return { flags, argv: resolved };
}
