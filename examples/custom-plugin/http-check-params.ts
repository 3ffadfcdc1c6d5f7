/**
 * The `http_check NAME { ... }` directive of tandem.conf, owned by the http-check plugin: parsed here
 * into plain settings, with every problem a located diagnostic (`tandem.conf:LINE:COL: message`).
 *
 *     http_check chk_app {
 *         url      http://127.0.0.1:8080/healthz;   # http or https
 *         interval 2s;        # between checks (nginx time syntax: 500ms, 2s, 1m); default 2s
 *         timeout  1s;        # a check slower than this fails; default 1s, at most the interval
 *         expect   200 204;   # statuses that count as success; default 200
 *         rise     2;         # successes in a row to go up (vrrp_script's rise); default 1
 *         fall     3;         # failures in a row to go down (vrrp_script's fall); default 1
 *         init_fail;          # start down until `rise` successes (vrrp_script's init_fail)
 *     }
 */
import {
  configError,
  parseNginxInt,
  parseNginxTime,
  type Diagnostic,
  type Directive,
  type Model,
  type SourceLoc,
} from '../../src/index.js';

/** The directive this plugin owns in tandem.conf. */
export const HTTP_CHECK_DIRECTIVE = 'http_check';

/** One configured check. */
export interface HttpCheckParams {
  readonly name: string;
  readonly url: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly expect: readonly number[];
  readonly rise: number;
  readonly fall: number;
  readonly initFail: boolean;
  readonly loc: SourceLoc;
}

function positiveInt(d: Directive, out: Diagnostic[]): number | undefined {
  const w = d.args[0];
  const n = w === undefined || d.args.length !== 1 ? undefined : parseNginxInt(w.text);
  if (n === undefined || n < 1) {
    out.push(configError('HTTP_CHECK_VALUE', `"${d.name}" needs one positive integer`, d.loc));
    return undefined;
  }
  return n;
}

function duration(d: Directive, out: Diagnostic[]): number | undefined {
  const w = d.args[0];
  const ms = w === undefined || d.args.length !== 1 ? undefined : parseNginxTime(w.text, false);
  if (ms === undefined || ms < 1) {
    out.push(configError('HTTP_CHECK_VALUE', `"${d.name}" needs one time such as 500ms or 2s`, d.loc));
    return undefined;
  }
  return ms;
}

/** Parses one `http_check` block; undefined (with diagnostics) when it is unusable. */
export function parseHttpCheck(d: Directive, out: Diagnostic[]): HttpCheckParams | undefined {
  const name = d.args[0]?.text;
  if (name === undefined || d.args.length !== 1 || d.block === undefined) {
    out.push(configError('HTTP_CHECK_ARGS', 'http_check needs a name and a { ... } block', d.loc));
    return undefined;
  }
  const before = out.length;
  const p = {
    name,
    url: '',
    intervalMs: 2000,
    timeoutMs: 1000,
    expect: [200],
    rise: 1,
    fall: 1,
    initFail: false,
  };
  for (const c of d.block) {
    switch (c.name) {
      case 'url': {
        const text = c.args.length === 1 ? (c.args[0]?.text ?? '') : '';
        if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol))
          out.push(configError('HTTP_CHECK_VALUE', `url needs one http:// or https:// URL`, c.loc));
        else p.url = text;
        break;
      }
      case 'interval':
        p.intervalMs = duration(c, out) ?? p.intervalMs;
        break;
      case 'timeout':
        p.timeoutMs = duration(c, out) ?? p.timeoutMs;
        break;
      case 'rise':
        p.rise = positiveInt(c, out) ?? p.rise;
        break;
      case 'fall':
        p.fall = positiveInt(c, out) ?? p.fall;
        break;
      case 'expect': {
        const codes = c.args.map((w) => parseNginxInt(w.text) ?? 0);
        if (codes.length === 0 || codes.some((x) => x < 100 || x > 599))
          out.push(configError('HTTP_CHECK_VALUE', 'expect needs HTTP status codes (100-599)', c.loc));
        else p.expect = codes;
        break;
      }
      case 'init_fail':
        p.initFail = true;
        break;
      default:
        out.push(configError('HTTP_CHECK_UNKNOWN', `unknown directive "${c.name}" in http_check`, c.loc));
    }
  }
  if (p.url === '' && out.length === before)
    out.push(configError('HTTP_CHECK_ARGS', `http_check ${name} needs a url`, d.loc));
  // A check still running at the next tick would overlap the next one (vrrp_script's rule too).
  if (p.timeoutMs > p.intervalMs)
    out.push(configError('HTTP_CHECK_VALUE', `http_check ${name}: timeout is longer than interval`, d.loc));
  return out.length === before ? { ...p, loc: d.loc } : undefined;
}

/** Every `http_check` of the model's tandem.conf, and the problems found in them. */
export function httpChecksOf(model: Model): { checks: HttpCheckParams[]; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const checks: HttpCheckParams[] = [];
  for (const d of model.tandem.extensions ?? []) {
    if (d.name !== HTTP_CHECK_DIRECTIVE) continue;
    const c = parseHttpCheck(d, out);
    if (c === undefined) continue;
    if (checks.some((x) => x.name === c.name))
      out.push(configError('HTTP_CHECK_DUPLICATE', `http_check ${c.name} is duplicate`, d.loc));
    else checks.push(c);
  }
  return { checks, diagnostics: out };
}
