import { configError, formatDiagnostic, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { AdaptContext } from './adapt/nginx/adapt-context.js';
import { checkTree } from './adapt/nginx/check-tree.js';
import { adaptHttp } from './adapt/nginx/http.js';
import { listenAddrTexts } from './adapt/nginx/listen.js';
import { checkWorkerConnections } from './adapt/nginx/listening.js';
import { checkSsl } from './adapt/nginx/ssl-checks.js';
import { createSystemResolver, type HostResolver } from './adapt/nginx/resolve-host.js';
import { adaptStream } from './adapt/nginx/stream.js';
import { definedVariables, isKnownVariable } from './adapt/nginx/variables.js';
import { canonicalJson } from './dump.js';
import type { ConfigReader } from './load.js';
import { loadDirectiveTree } from './load-tree.js';
import type { NginxConfig } from './model/nginx.js';
import grammar from './parse/generated/nginx.generated.js';

/** Options for {@link loadNginxConfig}; the defaults behave as `nginx -t` on this host. */
export interface LoadNginxOptions {
  /** Whether a host name resolves; default: getaddrinfo through `getent ahosts`, as nginx resolves at startup. */
  readonly resolveHost?: HostResolver;
  /** The port of a server with no `listen`: nginx uses 80 when run as root, 8000 otherwise. */
  readonly defaultListenPort?: number;
}

/** The outcome of reading an nginx.conf. */
export interface NginxLoadResult {
  /** Present when nginx would accept the file (`ok`). */
  readonly model?: NginxConfig;
  /** Errors nginx would stop on, nginx's own warnings, and what Tandem does not honour, in file order. */
  readonly diagnostics: readonly Diagnostic[];
  /** True when nginx 1.22 would accept the file (no error diagnostics). */
  readonly ok: boolean;
  /** True when `ok` and Tandem honours every directive that affects traffic (no unhonoured warnings). */
  readonly honoured: boolean;
  /** Every file read, main file first. */
  readonly files: readonly string[];
}

/** Diagnostic code of a directive Tandem parses but does not honour. */
export const NGINX_UNHONOURED = 'TANDEM_NGINX_UNHONOURED';

function byPosition(files: readonly string[]): (a: Diagnostic, b: Diagnostic) => number {
  const rank = (d: Diagnostic): number => (d.loc === undefined ? -1 : files.indexOf(d.loc.file));
  return (a, b) =>
    rank(a) - rank(b) || (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.col ?? 0) - (b.loc?.col ?? 0);
}

/** A missing include in nginx's words (ngx_conf_parse: ngx_open_file failed). */
function nginxWording(d: Diagnostic): Diagnostic {
  if (d.code !== 'TANDEM_CONFIG_INCLUDE_MISSING') return d;
  const full = /\(([^()]*)\)$/.exec(d.message)?.[1] ?? '';
  return { ...d, message: `open() "${full}" failed (2: No such file or directory)` };
}

/**
 * Reads an nginx.conf (and its includes) the way nginx 1.22 does and adapts what Tandem acts on into
 * the typed model. Never throws for bad input: every problem is a located diagnostic.
 */
export function loadNginxConfig(file: string, options: LoadNginxOptions = {}): NginxLoadResult {
  const loaded = loadDirectiveTree(file, grammar, {
    missingInclude: 'error',
    includeBase: 'main-file',
  });
  const files = loaded.files;
  const readErrors = loaded.diagnostics.map(nginxWording);
  if (loaded.tree === undefined || hasErrors(loaded.diagnostics)) {
    return { diagnostics: readErrors, ok: false, honoured: false, files };
  }
  const tree = loaded.tree;
  const check = checkTree(tree.directives);
  const ctx = new AdaptContext(
    check.invalid,
    options.resolveHost ?? createSystemResolver(),
    options.defaultListenPort ?? (process.getuid?.() === 0 ? 80 : 8000),
  );
  const top = ctx.valid(tree.directives);
  const httpBlock = top.find((d) => d.name === 'http');
  const streamBlock = top.find((d) => d.name === 'stream');
  const http = httpBlock === undefined ? undefined : adaptHttp(httpBlock, ctx);
  const stream = streamBlock === undefined ? undefined : adaptStream(streamBlock, ctx);
  for (const extra of top.filter(
    (d) => (d.name === 'http' || d.name === 'stream') && d !== httpBlock && d !== streamBlock,
  )) {
    ctx.error(extra, `"${extra.name}" directive is duplicate`);
  }
  if (httpBlock !== undefined && http !== undefined) {
    const perServer = http.servers.map((s) => s.listen.flatMap(listenAddrTexts));
    const ssl = new Set(
      http.servers.flatMap((s) =>
        s.listen.filter((l) => l.otherParams.includes('ssl')).flatMap(listenAddrTexts),
      ),
    );
    checkSsl(httpBlock, tree.file, ctx, 'http', ssl, perServer);
  }
  if (streamBlock !== undefined) checkSsl(streamBlock, tree.file, ctx, 'stream');
  const sockets = checkWorkerConnections(top, http, stream);
  if (sockets !== undefined) ctx.diagnostics.push(configError('TANDEM_NGINX_INVALID', sockets));
  const defined = definedVariables(tree.directives);
  for (const use of [...check.variableUses, ...ctx.variableUses]) {
    if (!isKnownVariable(use.name, use.scope, defined)) ctx.error(use.word, `unknown "${use.name}" variable`);
  }
  const diagnostics = [...readErrors, ...check.diagnostics, ...ctx.diagnostics].sort(byPosition(files));
  // ngx_event_init_conf: checked once the whole file is read, and reported without a location.
  if (!tree.directives.some((d) => d.name === 'events')) {
    diagnostics.push(configError('TANDEM_NGINX_INVALID', 'no "events" section in configuration'));
  }
  const ok = !hasErrors(diagnostics);
  const honoured = ok && !diagnostics.some((d) => d.code === NGINX_UNHONOURED);
  if (!ok) return { diagnostics, ok, honoured, files };
  const model: NginxConfig = {
    file: tree.file,
    ...(http === undefined ? {} : { http }),
    ...(stream === undefined ? {} : { stream }),
    ignored: check.ignored,
  };
  return { model, diagnostics, ok, honoured, files };
}

/** What `tandem -t --nginx FILE` prints and exits with. */
export interface NginxConfigTestResult {
  /** 0 only when nginx would accept the file and Tandem honours all of it. */
  readonly exitCode: 0 | 1;
  /** stderr lines: `file:line:col: message` per diagnostic, then nginx-style verdict lines. */
  readonly lines: readonly string[];
  /** nginx's own verdict, for comparing with `nginx -t`. */
  readonly nginxAccepts: boolean;
}

/**
 * The config test behind `tandem -t --nginx FILE`: nginx's checks plus Tandem's. The file passes only
 * when nginx would accept it and Tandem can honour every directive that affects traffic; a directive
 * Tandem does not honour is a warning line and makes the test fail (docs/nginx-compat.md).
 */
export function nginxConfigTest(file: string, options: LoadNginxOptions = {}): NginxConfigTestResult {
  const r = loadNginxConfig(file, options);
  const main = r.files[0] ?? file;
  const lines = r.diagnostics.map((d) =>
    d.loc === undefined ? `${main}: ${d.message}` : formatDiagnostic(d),
  );
  if (!r.ok) {
    lines.push(`tandem: configuration file ${main} test failed`);
  } else if (!r.honoured) {
    const n = r.diagnostics.filter((d) => d.code === NGINX_UNHONOURED).length;
    lines.push(`tandem: the configuration file ${main} syntax is ok`);
    lines.push(`tandem: configuration file ${main} test failed: ${n} directive(s) not honoured by Tandem`);
  } else {
    lines.push(`tandem: the configuration file ${main} syntax is ok`);
    lines.push(`tandem: configuration file ${main} test is successful`);
  }
  return { exitCode: r.honoured ? 0 : 1, lines, nginxAccepts: r.ok };
}

/** The model as canonical JSON (keys sorted, 2-space indent, final newline): what `tandem -d --nginx` prints. */
export function dumpNginxConfig(model: NginxConfig): string {
  return canonicalJson(model);
}

/**
 * The reader src/config/readers.ts registers for `--nginx FILE`: the model, every diagnostic, and the
 * `-t` exit code (1 when nginx would refuse the file or Tandem would not honour all of it).
 */
export const nginxConfigReader: ConfigReader = {
  key: 'nginx',
  read(file: string) {
    const r = loadNginxConfig(file);
    return {
      // nginx refuses to start on any error, and so does Tandem.
      ...(r.model === undefined || !r.ok ? {} : { value: r.model }),
      diagnostics: r.diagnostics,
      exitCode: r.honoured ? 0 : 1,
    };
  },
};
