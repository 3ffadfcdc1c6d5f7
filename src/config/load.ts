import { configError, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { overridesToken, withOverrides, type ConfigOverrides } from './adapt/tandem/overrides.js';
import { adaptTandemConf, defaultTandemConfig } from './adapt/tandem/tandem-conf.js';
import { loadDirectiveTree } from './load-tree.js';
import type { Model, TandemConfig } from './model/index.js';
import tandemGrammar from './parse/generated/tandem.generated.js';
import { attachPluginChoices } from './plugin-attach.js';

export type { ConfigOverrides } from './adapt/tandem/overrides.js';

/** Everything known after reading the configuration: the model when usable, and every diagnostic. */
export interface LoadedConfig {
  readonly model?: Model;
  readonly diagnostics: readonly Diagnostic[];
  /** The `-t` exit code these files deserve (keepalived's classes; nginx problems give 1). */
  readonly testExitCode: number;
}

function readTandemConf(
  file: string | undefined,
  tokenByFlag: boolean,
): { config: TandemConfig; diagnostics: Diagnostic[] } {
  if (file === undefined) return { config: defaultTandemConfig, diagnostics: [] };
  const loaded = loadDirectiveTree(file, tandemGrammar, { missingInclude: 'error' });
  if (loaded.tree === undefined) return { config: defaultTandemConfig, diagnostics: [...loaded.diagnostics] };
  const adapted = adaptTandemConf(loaded.tree.directives, { adminTokenByFlag: tokenByFlag });
  return { config: adapted.value, diagnostics: [...loaded.diagnostics, ...adapted.diagnostics] };
}

/** A reader of one of the operator's files into its slice of the model. */
export interface ConfigReader {
  /** Which Model key this reader fills. */
  readonly key: 'keepalived' | 'nginx';
  /**
   * Reads `file`; `value` is present only when the daemon can run from it, and `exitCode` is what
   * `-t` should return for it alone.
   */
  read(
    file: string,
    tandem: TandemConfig,
  ): { value?: unknown; diagnostics: readonly Diagnostic[]; exitCode: number };
}

const readers: ConfigReader[] = [];

/** Registers the reader for keepalived.conf or nginx.conf (done once, by src/config/readers.ts). */
export function registerConfigReader(reader: ConfigReader): void {
  readers.push(reader);
}

/**
 * Reads tandem.conf (when given), applies command-line overrides, then the keepalived and nginx files
 * it names. Never throws for bad input: the model is absent when any error was found.
 */
export function loadConfig(o: ConfigOverrides): LoadedConfig {
  const conf = readTandemConf(o.tandemFile, overridesToken(o));
  const over = withOverrides(conf.config, o);
  const t = { diagnostics: [...conf.diagnostics, ...over.diagnostics] };
  const tandem = over.config;
  const diagnostics: Diagnostic[] = [...t.diagnostics];
  let testExitCode = hasErrors(t.diagnostics) ? 1 : 0;
  const model: { tandem: TandemConfig; keepalived?: unknown; nginx?: unknown } = { tandem };
  const files = { keepalived: tandem.keepalivedFile, nginx: tandem.nginxFile };
  for (const [key, file] of Object.entries(files) as ['keepalived' | 'nginx', string | undefined][]) {
    if (file === undefined) continue;
    const reader = readers.find((r) => r.key === key);
    if (reader === undefined) {
      diagnostics.push(
        configError(
          'TANDEM_CONFIG_UNSUPPORTED',
          `reading ${key} configuration is not available in this build`,
        ),
      );
      testExitCode = Math.max(testExitCode, 1);
      continue;
    }
    const r = reader.read(file, tandem);
    diagnostics.push(...r.diagnostics);
    // keepalived's classes (4, 5, 6) take precedence: scripts that run -t before a reload test them.
    if (r.exitCode !== 0 && (testExitCode === 0 || testExitCode === 1)) testExitCode = r.exitCode;
    if (r.value !== undefined) model[key] = r.value;
  }
  // Each reader decides whether its file is usable (keepalived runs despite errors it can skip;
  // nginx refuses any), so the model exists when tandem.conf is clean and every file was usable.
  const ok =
    !hasErrors(t.diagnostics) &&
    Object.entries(files).every(([key, file]) => file === undefined || key in model);
  if (!ok) return { diagnostics, testExitCode: Math.max(testExitCode, 1) };
  // tandem.conf's `balancer` / `track` choices name objects of the files just read.
  const attached = attachPluginChoices(model as Model);
  if (hasErrors(attached.diagnostics))
    return {
      diagnostics: [...diagnostics, ...attached.diagnostics],
      testExitCode: Math.max(testExitCode, 1),
    };
  return { model: attached.model, diagnostics, testExitCode };
}
