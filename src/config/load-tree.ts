import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { configError, type Diagnostic } from '../core/diagnostic.js';
import type { Directive, DirectiveTree } from './directive.js';
import { IncludeStack, resolveInclude } from './include.js';
import { toDirectives, type RawDirective } from './parse/raw.js';
import { runGrammar, type CompiledGrammar } from './parse/run-grammar.js';
import type { SourceLoc } from './source-loc.js';

/** How nested includes may go before we call it a runaway (nginx has no limit; a cycle is caught earlier). */
const MAX_INCLUDE_DEPTH = 32;

/** Options for {@link loadDirectiveTree}. */
export interface LoadTreeOptions {
  /** What a missing non-glob include is: nginx refuses it (`error`). */
  readonly missingInclude: 'error' | 'warning' | 'ignore';
  /**
   * What a relative include path is relative to: the including file (keepalived, the default) or the
   * main file's directory (nginx: ngx_conf_full_name against the conf prefix, the directory of `-c FILE`).
   */
  readonly includeBase?: 'including-file' | 'main-file';
}

/** A loaded tree and everything found wrong while loading it. */
export interface LoadedTree {
  readonly tree: DirectiveTree | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** Every file read, main file first: what a reload must re-read. */
  readonly files: readonly string[];
}

function readText(file: string, loc: SourceLoc | undefined): { text?: string; error?: Diagnostic } {
  try {
    if (statSync(file).isDirectory()) {
      return { error: configError('TANDEM_CONFIG_READ', `"${file}" is a directory`, loc) };
    }
    return { text: readFileSync(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    return { error: configError('TANDEM_CONFIG_READ', `cannot open "${file}": ${why}`, loc) };
  }
}

/**
 * Reads a block-structured config file (nginx syntax, tandem.conf) with a grammar and splices in every
 * `include GLOB;` where it stands, recording the include chain on each node. Include cycles, missing
 * files and syntax errors come back as located diagnostics; nothing here throws for bad input.
 */
export function loadDirectiveTree(
  file: string,
  grammar: CompiledGrammar,
  options: LoadTreeOptions,
): LoadedTree {
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const stack = new IncludeStack();
  const main = resolve(file);

  const readFile = (path: string, includedAt: SourceLoc | undefined): Directive[] | undefined => {
    const cycle = stack.enter(path, includedAt);
    if (cycle !== undefined) {
      diagnostics.push(cycle);
      return [];
    }
    try {
      if (stack.depth > MAX_INCLUDE_DEPTH) {
        diagnostics.push(
          configError(
            'TANDEM_CONFIG_INCLUDE_DEPTH',
            `includes nested deeper than ${MAX_INCLUDE_DEPTH}`,
            includedAt,
          ),
        );
        return [];
      }
      const { text, error } = readText(path, includedAt);
      if (text === undefined) {
        if (error !== undefined) diagnostics.push(error);
        return undefined;
      }
      files.push(path);
      const chain = stack.chain;
      const out = runGrammar<RawDirective[]>(grammar, text, path, [...chain]);
      if (!out.ok) {
        diagnostics.push(out.error);
        return undefined;
      }
      return expand(toDirectives(out.value, path, [...chain]), path);
    } finally {
      stack.leave();
    }
  };

  const expand = (list: readonly Directive[], path: string): Directive[] =>
    list.flatMap((d): Directive[] => {
      if (d.name === 'include') {
        const pattern = d.args[0];
        if (pattern === undefined || d.args.length !== 1 || d.block !== undefined) {
          diagnostics.push(
            configError('TANDEM_CONFIG_ARGS', 'invalid number of arguments in "include" directive', d.loc),
          );
          return [];
        }
        const from = options.includeBase === 'main-file' ? main : path;
        const found = resolveInclude(pattern.text, from, d.loc, options.missingInclude);
        diagnostics.push(...found.diagnostics);
        return found.files.flatMap((f) => readFile(f, d.loc) ?? []);
      }
      return d.block === undefined ? [d] : [{ ...d, block: expand(d.block, path) }];
    });

  const directives = readFile(main, undefined);
  return { tree: directives === undefined ? undefined : { file: main, directives }, diagnostics, files };
}
