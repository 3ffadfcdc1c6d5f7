import { basename } from 'node:path';

const NGINX = /^nginx(\.service)?$/;

/** `sh -c "pidof nginx"` / `bash -c '...'`: the inner command's words. */
function unwrapShell(argv: readonly string[]): readonly string[] {
  const [prog, flag, inner] = argv;
  if (prog !== undefined && ['sh', 'bash', 'dash'].includes(basename(prog)) && flag === '-c' && inner)
    return inner.trim().split(/\s+/);
  return argv;
}

/**
 * Whether a `vrrp_script` command only checks that an nginx process exists: the classic
 * `pidof nginx`, `killall -0 nginx`, `pgrep [-x] nginx`, `pkill -0 nginx`, `systemctl is-active
 * [--quiet] nginx`, `service nginx status`, also wrapped in `sh -c "..."`. On a Tandem host there is
 * no nginx process (Tandem is the proxy), so such a check would always fail; Tandem answers it with
 * its own proxy health instead. Anything else (a curl of a health URL, a custom script) is run as is.
 */
export function isNginxProcessCheck(argv: readonly string[]): boolean {
  const words = unwrapShell(argv);
  const [prog, ...rest] = words;
  if (prog === undefined) return false;
  const cmd = basename(prog);
  const target = rest.filter((w) => !w.startsWith('-'));
  const flags = rest.filter((w) => w.startsWith('-'));
  const onlyNginx = target.length === 1 && NGINX.test(target[0] ?? '');
  switch (cmd) {
    case 'pidof':
      return onlyNginx && flags.every((f) => ['-s', '-x', '-q', '-c'].includes(f));
    case 'killall':
    case 'pkill':
      return onlyNginx && flags.includes('-0') && flags.every((f) => ['-0', '-x', '-q'].includes(f));
    case 'pgrep':
      return onlyNginx && flags.every((f) => ['-x', '-f', '-q'].includes(f));
    case 'systemctl':
      return target.length === 2 && target[0] === 'is-active' && NGINX.test(target[1] ?? '');
    case 'service':
      return target.length === 2 && NGINX.test(target[0] ?? '') && target[1] === 'status';
    default:
      return false;
  }
}
