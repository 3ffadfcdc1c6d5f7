import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { configError, configWarning, type Diagnostic } from '../../../core/diagnostic.js';
import type { Directive } from '../../directive.js';
import type { NginxIgnoredDirective } from '../../model/nginx.js';
import {
  argsFit,
  directiveSpecs,
  moduleTypeOf,
  type NginxContext,
  type NginxDirectiveSpec,
} from './directives.js';
import { checkHostSetting, checkLogPath } from './host-checks.js';
import { LogChecks } from './log-checks.js';
import { checkOpaqueBlock, OPAQUE_BLOCKS } from './opaque-blocks.js';
import { directivePolicy } from './policy.js';
import { genericVariableUses, type VariableUse } from './variables.js';
import { checkSlot } from './slots.js';

/** What the generic pass found: diagnostics, the directives adapters must skip, and what is not acted on. */
export interface TreeCheck {
  readonly diagnostics: readonly Diagnostic[];
  /** Directives nginx would refuse (already reported): adapters skip them. */
  readonly invalid: ReadonlySet<Directive>;
  readonly ignored: readonly NginxIgnoredDirective[];
  /** Variables used by directives Tandem does not act on, checked like the acted-on ones. */
  readonly variableUses: readonly VariableUse[];
}

/** The context a block directive opens, given where it stands. */
function innerContext(name: string, context: NginxContext): NginxContext | undefined {
  switch (name) {
    case 'events':
      return 'events';
    case 'http':
      return 'http';
    case 'stream':
      return 'stream';
    case 'server':
      return context === 'stream' ? 'sserver' : 'server';
    case 'upstream':
      return context === 'stream' ? 'supstream' : 'upstream';
    case 'location':
      return 'location';
    case 'if':
      return context === 'server' ? 'sif' : 'lif';
    case 'limit_except':
      return 'lmt';
    default:
      return undefined;
  }
}

/** Debian's prefix (`nginx -V`: --prefix=/usr/share/nginx): where a relative load_module path points. */
const NGINX_PREFIX = '/usr/share/nginx';

/**
 * Checks every directive as nginx's ngx_conf_handler does (unknown directive, wrong context, `;` vs
 * `{`, argument count, the generic value handlers) and classifies each valid one by Tandem's policy,
 * warning about those Tandem does not honour. Stream directives exist only after
 * `load_module .../ngx_stream_module.so`, as in nginx.
 */
export function checkTree(directives: readonly Directive[]): TreeCheck {
  const diagnostics: Diagnostic[] = [];
  const invalid = new Set<Directive>();
  const ignored: NginxIgnoredDirective[] = [];
  const variableUses: VariableUse[] = [];
  const logs = new LogChecks();
  let streamLoaded = false;
  let tooLateForModules = false;

  const error = (d: Directive, message: string): void => {
    diagnostics.push(configError('TANDEM_NGINX_INVALID', message, d.loc));
    invalid.add(d);
  };

  const findSpec = (d: Directive, context: NginxContext): NginxDirectiveSpec | undefined => {
    const specs = directiveSpecs(d.name).filter(
      (s) => streamLoaded || (s.module !== 'stream' && !(s.module === 'core' && s.name === 'stream')),
    );
    if (specs.length === 0) {
      error(d, `unknown directive "${d.name}"`);
      return undefined;
    }
    for (const spec of specs) {
      if (spec.module !== 'conf' && spec.module !== moduleTypeOf(context)) continue;
      if (!spec.contexts.has(context) && !spec.contexts.has('any')) continue;
      if (!spec.block && d.block !== undefined) {
        error(d, `directive "${d.name}" is not terminated by ";"`);
        return undefined;
      }
      if (spec.block && d.block === undefined) {
        error(d, `directive "${d.name}" has no opening "{"`);
        return undefined;
      }
      if (!argsFit(spec, d.args.length)) {
        error(d, `invalid number of arguments in "${d.name}" directive`);
        return undefined;
      }
      return spec;
    }
    error(d, `"${d.name}" directive is not allowed here`);
    return undefined;
  };

  const loadModule = (d: Directive): void => {
    const path = d.args[0]?.text ?? '';
    if (tooLateForModules) {
      error(d, '"load_module" directive is specified too late');
      return;
    }
    const full = isAbsolute(path) ? path : resolve(NGINX_PREFIX, path);
    if (!existsSync(full)) {
      error(
        d,
        `dlopen() "${full}" failed (${full}: cannot open shared object file: No such file or directory)`,
      );
      return;
    }
    if (basename(full) === 'ngx_stream_module.so') streamLoaded = true;
    else
      diagnostics.push(
        configWarning('TANDEM_NGINX_MODULE', `module "${basename(full)}" is not known to Tandem`, d.loc),
      );
  };

  const walk = (list: readonly Directive[], context: NginxContext, quiet: boolean): void => {
    const seen = new Set<string>();
    for (const d of list) {
      const spec = findSpec(d, context);
      if (spec === undefined) continue;
      const slotError = checkSlot(spec, d, seen);
      if (slotError !== undefined) {
        error(d, slotError);
        continue;
      }
      if (d.name === 'load_module' && context === 'main') loadModule(d);
      const scope = moduleTypeOf(context);
      const hostError =
        (context === 'main' || context === 'events' ? checkHostSetting(d) : undefined) ??
        checkLogPath(d) ??
        (scope === 'http' || scope === 'stream' ? logs.check(d, scope) : undefined);
      if (hostError !== undefined) error(d, hostError);
      if (context === 'main' && (d.name === 'events' || d.name === 'http' || d.name === 'stream')) {
        tooLateForModules = true;
      }
      const policy = directivePolicy(d.name, context);
      if (policy !== 'acted' && (scope === 'http' || scope === 'stream')) {
        variableUses.push(...genericVariableUses(d, scope));
      }
      if (!quiet && policy !== 'acted') {
        ignored.push({ name: d.name, kind: policy, loc: d.loc });
        if (policy === 'warned') {
          diagnostics.push(
            configWarning(
              'TANDEM_NGINX_UNHONOURED',
              `"${d.name}" is not honoured by Tandem and is ignored`,
              d.loc,
            ),
          );
        }
      }
      if (d.block === undefined) continue;
      if (OPAQUE_BLOCKS.has(d.name)) {
        for (const p of checkOpaqueBlock(d)) error(p.entry, p.message);
        continue;
      }
      const inner = innerContext(d.name, context);
      if (inner !== undefined) walk(d.block, inner, quiet || policy !== 'acted');
    }
  };

  walk(directives, 'main', false);
  return { diagnostics, invalid, ignored, variableUses };
}
