/**
 * Loading a keepalived.conf: the one entry point the CLI and the daemon use. Reads the file with
 * keepalived's lexical rules, builds the directive tree, adapts it to the typed model, and says which
 * `keepalived -t` exit code the file deserves. Never throws for bad input.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { KaContext } from './adapt/keepalived/context.js';
import { systemHost, type KeepalivedHost } from './adapt/keepalived/host.js';
import { adaptKeepalived } from './adapt/keepalived/root.js';
import type { KeepalivedConfig } from './model/keepalived.js';
import { exitClassOf, isTandemOnly, kaDiag, type ExitClass } from './parse/keepalived-diag.js';
import { readKeepalivedLines } from './parse/keepalived-lines.js';
import { buildKeepalivedTree } from './parse/keepalived-tree.js';
import type { SourceLoc } from './source-loc.js';

export type { ExitClass } from './parse/keepalived-diag.js';
export { fixedHost, systemHost, type KeepalivedHost } from './adapt/keepalived/host.js';

/** Options of {@link loadKeepalivedConfig}. */
export interface LoadKeepalivedOptions {
  /** `-i`: the id `@id` lines match; default the host name up to the first dot (keepalived main.c). */
  readonly configId?: string;
  /** Host lookups (interfaces, users, script files); default the real host. */
  readonly host?: KeepalivedHost;
  /** Random source for `${_RANDOM}`. */
  readonly random?: () => number;
}

/** A loaded keepalived.conf. */
export interface KeepalivedLoad {
  readonly model?: KeepalivedConfig;
  readonly diagnostics: readonly Diagnostic[];
  /** The `keepalived -t` exit code: 0 clean, 2 missing parameter, 4 missing file/fatal, 5 error or warning, 6 script security. */
  readonly exitClass: ExitClass;
}

/** keepalived's default config id: the node name up to the first dot. */
export function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}

/** Reads, checks and adapts a keepalived.conf. */
export function loadKeepalivedConfig(file: string, options: LoadKeepalivedOptions = {}): KeepalivedLoad {
  const main = resolve(file);
  if (!existsSync(main)) {
    // keepalived -t prints "Config files missing" and exits 0 here; Tandem refuses (exit 4), since a
    // pre-reload check that passes on a missing file would hide a typo in the path.
    const d = kaDiag('fatal', `Config files missing '${file}'.`, { file: main, line: 1, col: 1 });
    return { diagnostics: [d], exitClass: 4 };
  }
  const configId = options.configId ?? defaultConfigId();
  const host = options.host ?? systemHost;
  const read = readKeepalivedLines(
    main,
    options.random === undefined ? { configId } : { configId, random: options.random },
  );
  if (!read.mainFound) {
    const d = kaDiag('fatal', `Unable to read configuration file ${file}`, { file: main, line: 1, col: 1 });
    return { diagnostics: [d], exitClass: 4 };
  }
  const ctx = new KaContext(host, configId);
  const diagnostics: Diagnostic[] = [...read.diagnostics];
  const tree = buildKeepalivedTree(read.lines, diagnostics, ctx.rawLines);
  let model: KeepalivedConfig | undefined;
  try {
    model = adaptKeepalived(ctx, tree, main, read.files);
  } catch (err) {
    // A bug in an adapter must still come out as a located message, never a stack trace.
    diagnostics.push(
      kaDiag('general', `internal error while reading the configuration: ${String(err)}`, {
        file: main,
        line: 1,
        col: 1,
      }),
    );
  }
  // concat, not push(...): a pathological file can yield more messages than fit in an argument list.
  const ordered = sortDiagnostics(diagnostics.concat(ctx.diagnostics));
  const exitClass = exitClassOf(ordered);
  return model === undefined
    ? { diagnostics: ordered, exitClass }
    : { model, diagnostics: ordered, exitClass };
}

function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const key = (l: SourceLoc | undefined): [number, number] =>
    l === undefined ? [Infinity, 0] : [l.line, l.col];
  // Stable: diagnostics of one file in line order; include files keep the order they were read in.
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      if (a.d.loc?.file !== b.d.loc?.file) return a.i - b.i;
      const [la, ca] = key(a.d.loc);
      const [lb, cb] = key(b.d.loc);
      return la - lb || ca - cb || a.i - b.i;
    })
    .map((x) => x.d);
}

/** Options of {@link keepalivedConfigTest}. */
export type ConfigTestOptions = LoadKeepalivedOptions;

/** What `tandem -t -f FILE` prints on stderr and exits with. */
export interface ConfigTestResult {
  readonly exitCode: ExitClass;
  /** `file:line:col: message` lines (Tandem-only warnings included, marked `warning:`). */
  readonly lines: readonly string[];
}

/** Runs the config test: same exit code as `keepalived -t`, better located messages. */
export function keepalivedConfigTest(file: string, options: ConfigTestOptions = {}): ConfigTestResult {
  const load = loadKeepalivedConfig(file, options);
  const lines = load.diagnostics.map((d) =>
    formatDiagnostic(isTandemOnly(d) ? { ...d, message: `${d.message} [tandem]` } : d),
  );
  return { exitCode: load.exitClass, lines };
}
