import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Directive } from '../../directive.js';
import type { AdaptContext } from './adapt-context.js';

/**
 * The checks nginx -t makes of TLS settings Tandem does not honour, so that its verdict stays nginx's:
 * a `listen ... ssl` needs a certificate, every certificate needs a key, and both files are loaded
 * (ngx_http_ssl_merge_srv_conf, ngx_stream_ssl_merge_conf, ngx_ssl_certificate). Paths are relative
 * to the main file's directory (nginx's conf prefix); paths with variables are loaded per connection.
 */
export function checkSsl(
  block: Directive,
  mainFile: string,
  ctx: AdaptContext,
  flavour: 'http' | 'stream',
  sslAddresses: ReadonlySet<string> = new Set(),
  serverAddresses: readonly (readonly string[])[] = [],
): void {
  const outer = ctx.valid(block.block);
  const outerCerts = outer.filter((d) => d.name === 'ssl_certificate');
  const outerKeys = outer.filter((d) => d.name === 'ssl_certificate_key');
  const seenFiles = new Map<string, boolean>();
  outer
    .filter((d) => d.name === 'server')
    .forEach((server, index) => {
      checkServer(server, serverAddresses[index] ?? []);
    });

  function checkServer(server: Directive, addresses: readonly string[]): void {
    const inner = ctx.valid(server.block);
    const own = inner.filter((d) => d.name === 'ssl_certificate');
    const ownKeys = inner.filter((d) => d.name === 'ssl_certificate_key');
    // ngx_conf_merge_ptr_value: a level with any certificate inherits none.
    const certs = own.length > 0 ? own : outerCerts;
    const keys = ownKeys.length > 0 ? ownKeys : outerKeys;
    // `ssl` belongs to the socket: one server's `listen ... ssl` makes every server on that address TLS.
    const sslListen =
      inner.find((d) => d.name === 'listen' && d.args.slice(1).some((a) => a.text === 'ssl')) ??
      (addresses.some((a) => sslAddresses.has(a)) ? server : undefined);
    // The stream module looks at certificates only for a server with `listen ... ssl`.
    if (flavour === 'stream' && sslListen === undefined) return;
    const reject =
      [...inner, ...outer].find((d) => d.name === 'ssl_reject_handshake')?.args[0]?.text === 'on';
    if (sslListen !== undefined && certs.length === 0 && !reject) {
      // Reported at the server, as nginx does (the server's conf file and line).
      ctx.error(server, 'no "ssl_certificate" is defined for the "listen ... ssl" directive');
      return;
    }
    // nginx names the last certificate when there are fewer keys than certificates.
    const last = certs[certs.length - 1];
    if (last !== undefined && keys.length < certs.length) {
      const suffix = flavour === 'stream' ? ' and the "listen ... ssl" directive' : '';
      ctx.error(
        last,
        `no "ssl_certificate_key" is defined for certificate "${last.args[0]?.text ?? ''}"${suffix}`,
      );
      return;
    }
    certs.forEach((cert, i) => {
      const key = keys[i];
      if (key === undefined) return;
      const pairKey = `${cert.args[0]?.text ?? ''}\0${key.args[0]?.text ?? ''}`;
      if (seenFiles.has(pairKey)) return;
      seenFiles.set(pairKey, true);
      loadPair(cert, key, mainFile, ctx);
    });
  }
}

function fullPath(d: Directive, mainFile: string): string | undefined {
  const text = d.args[0]?.text ?? '';
  if (text.includes('$') || text.startsWith('data:') || text.startsWith('engine:')) return undefined;
  return isAbsolute(text) ? text : resolve(dirname(mainFile), text);
}

function read(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function loadPair(cert: Directive, key: Directive, mainFile: string, ctx: AdaptContext): void {
  const certPath = fullPath(cert, mainFile);
  const keyPath = fullPath(key, mainFile);
  let x509: X509Certificate | undefined;
  if (certPath !== undefined) {
    const pem = read(certPath);
    if (pem === undefined) {
      ctx.error(cert, `cannot load certificate "${certPath}": BIO_new_file() failed`);
      return;
    }
    try {
      x509 = new X509Certificate(pem);
    } catch {
      ctx.error(cert, `cannot load certificate "${certPath}": PEM_read_bio_X509_AUX() failed`);
      return;
    }
  }
  if (keyPath === undefined) return;
  const pem = read(keyPath);
  if (pem === undefined) {
    ctx.error(key, `cannot load certificate key "${keyPath}": BIO_new_file() failed`);
    return;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    ctx.error(key, `cannot load certificate key "${keyPath}": PEM_read_bio_PrivateKey() failed`);
    return;
  }
  if (x509 !== undefined && !x509.checkPrivateKey(privateKey)) {
    ctx.error(key, `SSL_CTX_use_PrivateKey("${keyPath}") failed (key values mismatch)`);
  }
}
