import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { configError, type Diagnostic } from '../core/diagnostic.js';
import type { SourceLoc } from './source-loc.js';

/** What an `include` pattern resolved to: the files, in the order both nginx and keepalived read them. */
export interface IncludeResolution {
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Resolves an `include` pattern written in `fromFile`. Relative patterns are relative to the
 * including file's directory (keepalived `check_include`; nginx resolves against its prefix, which
 * for a config in /etc/nginx is the same directory). Glob matches are sorted, as glob(3) returns them.
 * A plain path that does not exist is reported at `loc` with the given severity: keepalived only
 * logs it, nginx refuses the file.
 */
export function resolveInclude(
  pattern: string,
  fromFile: string,
  loc: SourceLoc,
  missing: 'error' | 'warning' | 'ignore',
): IncludeResolution {
  const base = dirname(fromFile);
  const full = isAbsolute(pattern) ? pattern : resolve(base, pattern);
  if (!isDynamicPattern(pattern)) {
    if (existsSync(full) && statSync(full).isFile()) return { files: [full], diagnostics: [] };
    if (missing === 'ignore') return { files: [], diagnostics: [] };
    const d = configError(
      'TANDEM_CONFIG_INCLUDE_MISSING',
      `include file "${pattern}" not found (${full})`,
      loc,
    );
    return { files: [], diagnostics: [missing === 'error' ? d : { ...d, severity: 'warning' }] };
  }
  const files = globSync(full, { absolute: true, onlyFiles: true, expandDirectories: false }).sort();
  return { files, diagnostics: [] };
}

/**
 * The chain of files being read, to refuse an include cycle with the location of the include that
 * closes it rather than recursing until the stack runs out.
 */
export class IncludeStack {
  readonly #files: string[] = [];
  readonly #locs: SourceLoc[] = [];

  /** The include chain for a node read in the current file. */
  get chain(): readonly SourceLoc[] {
    return this.#locs;
  }

  /** Enters `file`, included at `loc` (undefined for the main file); returns an error on a cycle. */
  enter(file: string, loc: SourceLoc | undefined): Diagnostic | undefined {
    if (this.#files.includes(file)) {
      const cycle = [...this.#files.slice(this.#files.indexOf(file)), file].join(' -> ');
      return configError('TANDEM_CONFIG_INCLUDE_CYCLE', `include cycle: ${cycle}`, loc);
    }
    this.#files.push(file);
    if (loc !== undefined) this.#locs.push(loc);
    return undefined;
  }

  /** Leaves the current file. */
  leave(): void {
    const hadLoc = this.#files.length > 1;
    this.#files.pop();
    if (hadLoc) this.#locs.pop();
  }

  /** How deep the chain is; both programs cap nesting, and so do we. */
  get depth(): number {
    return this.#files.length;
  }
}
