/**
 * The state shared by the keepalived adapters while they walk the directive tree: diagnostics tagged
 * with keepalived's error classes, the host lookups, and keepalived's number readers
 * (lib/parser.c `read_unsigned_func`, `read_int_func`, `read_decimal_unsigned_long_func`) with
 * their exact messages.
 */
import type { Diagnostic } from '../../../core/diagnostic.js';
import type { Directive, Word } from '../../directive.js';
import { kaDiag, type KaClass } from '../../parse/keepalived-diag.js';
import type { SourceLoc } from '../../source-loc.js';
import type { KeepalivedHost } from './host.js';

/** Adapter state for one load. */
export class KaContext {
  readonly diagnostics: Diagnostic[] = [];
  /** The logical line each directive came from (for script re-splitting). */
  readonly rawLines = new WeakMap<Directive, string>();
  /** get_default_script_user's one-shot state: resolved user, or the failure already reported. */
  defaultUser: { user: string; group?: string } | 'failed' | undefined;

  /** The preferences keepalived gives rules written without one, counting down per family. */
  nextRulePriority4 = 16384;
  nextRulePriority6 = 16384;

  /** Where a named interface did not exist: keepalived then stops right after parsing. */
  nonExistentInterface: SourceLoc | undefined;

  constructor(
    readonly host: KeepalivedHost,
    readonly configId: string,
  ) {}

  /** A context whose reports are dropped: checks keepalived never reaches still build the model. */
  muted(): KaContext {
    const m = new KaContext(this.host, this.configId);
    m.defaultUser = this.defaultUser;
    return m;
  }

  /** Reports a missing interface as keepalived does, and remembers that the VRRP process would stop. */
  missingInterface(message: string, loc?: SourceLoc): void {
    this.nonExistentInterface ??= loc;
    this.error(message, loc);
  }

  /** Reports a keepalived configuration error (rc 5) at `loc`. */
  error(message: string, loc?: SourceLoc): void {
    this.report('general', message, loc);
  }

  /** Reports a message of any keepalived class. */
  report(cls: KaClass, message: string, loc?: SourceLoc): void {
    this.diagnostics.push(kaDiag(cls, message, loc));
  }

  /** Reports a warning only Tandem gives; it never changes the `-t` exit code. */
  tandem(code: string, message: string, loc?: SourceLoc): void {
    this.diagnostics.push(kaDiag('tandem', message, loc, code));
  }

  /**
   * The word at `index` (1 = first argument). Missing, keepalived's `null_strvec` reports it and
   * exits 2; Tandem reports the same and carries on.
   */
  arg(d: Directive, index: number): Word | undefined {
    const w = d.args[index - 1];
    if (w === undefined) {
      const after = index === 1 ? d.name : d.args[index - 2]?.text;
      this.report(
        'abort',
        `*** Configuration line starting \`${d.name}\` is missing a parameter after keyword \`${after ?? d.name}\` at word position ${index + 1}`,
        d.loc,
      );
    }
    return w;
  }

  /**
   * keepalived hands the whole line to a handler that reads only the first `used` arguments; the
   * rest are silently ignored. Tandem says so, once per line (issue 3: `auth_type PASS auth_pass x`).
   */
  extraWords(d: Directive, used: number): void {
    const extra = d.args.slice(used);
    const first = extra[0];
    if (first === undefined) return;
    const shown = extra.map((w) => w.text).join(' ');
    this.tandem(
      'TANDEM_KA_EXTRA_WORDS',
      `"${shown}" ignored: keepalived reads one statement per line (after "${d.name}")`,
      first.loc,
    );
  }

  /**
   * A `{` after a keyword that takes no block: keepalived says `Unexpected '{' - ignoring` and then
   * reads every inner line as a keyword of the enclosing level (all unknown), and the `}` too.
   * Returns true when the directive had such a block.
   */
  strayBlock(d: Directive): boolean {
    if (d.block === undefined) return false;
    this.error("Unexpected '{' - ignoring", d.loc);
    // Iterative walk: nesting depth is the user's to choose, the call stack is not.
    const stack: Directive[] = [...d.block].reverse();
    for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
      this.error(`Unknown keyword '${x.name}'`, x.loc);
      if (x.block !== undefined)
        for (let i = x.block.length - 1; i >= 0; i--) stack.push(x.block[i] as Directive);
    }
    // The closing brace is read as a keyword too (or closes the enclosing block, which is as bad).
    this.error("Unknown keyword '}'", d.loc);
    return true;
  }

  /** alloc_value_block: words between a value block's keyword and its `{` are an error. */
  valueBlockArgs(d: Directive): void {
    const first = d.args[0];
    if (first !== undefined) this.error(`Block ${d.name} has extra parameters ${first.text} ...`, first.loc);
  }

  /** An unknown keyword (its block, if any, is reported by {@link strayBlock}). */
  unknown(d: Directive): void {
    this.error(`Unknown keyword '${d.name}'`, d.loc);
  }

  /** read_unsigned: a whole number in [min, max], else keepalived's message and undefined. */
  unsigned(w: Word, min: number, max: number): number | undefined {
    const s = w.text;
    const t = s.replace(/^[ \t\n\v\f\r]+/, '');
    const m = /^\+?(\d*)/.exec(t);
    const digits = m?.[1] ?? '';
    const rest = t.slice(m?.[0].length ?? 0);
    if (t.startsWith('-')) {
      this.num(`negative number '${s}'`, w);
      return;
    }
    if (digits === '' || rest !== '') {
      this.num(`invalid number '${s}'`, w);
      return;
    }
    const v = Number(digits);
    if (v > 4294967295) {
      this.num(`number '${s}' outside unsigned integer range`, w);
      return;
    }
    if (v < min || v > max) {
      this.num(`number '${s}' outside range [${min}, ${max}]`, w);
      return;
    }
    return v;
  }

  /** read_int: a signed whole number in [min, max]. */
  int(w: Word, min: number, max: number): number | undefined {
    const s = w.text;
    const m = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(s);
    if (m === null) {
      this.num(`invalid number '${s}'`, w);
      return;
    }
    const v = Number(m[1]);
    if (v < -2147483648 || v > 2147483647) {
      this.num(`number '${s}' outside integer range`, w);
      return;
    }
    if (v < min || v > max) {
      this.num(`number '${s}' outside range [${min}, ${max}]`, w);
      return;
    }
    return v;
  }

  /**
   * read_decimal_unsigned: a decimal with at most `shift` places, returned × 10^shift; min and max
   * are in those units. Too many places: reported and rounded.
   */
  decimal(w: Word, min: number, max: number, shift: number): number | undefined {
    const s = w.text;
    if (s.startsWith('-')) {
      this.num(`negative number '${s}'`, w);
      return;
    }
    const dot = s.indexOf('.');
    let int = dot < 0 ? s : s.slice(0, dot);
    let frac = dot < 0 ? '' : s.slice(dot + 1);
    let roundUp = false;
    if (frac.length > shift) {
      this.num(`number '${s}' has too many decimal places`, w);
      roundUp = (frac[shift] ?? '0') >= '5';
      frac = frac.slice(0, shift);
    }
    int = int + frac.padEnd(shift, '0');
    if (!/^\+?\d+$/.test(int)) {
      this.num(`invalid number '${s}'`, w);
      return;
    }
    const v = Number(int) + (roundUp ? 1 : 0);
    if (v < min || v > max) {
      const scale = 10 ** shift;
      const f = (n: number): string => `${Math.floor(n / scale)}.${String(n % scale).padStart(shift, '0')}`;
      this.num(`number '${s}' outside range [${f(min)}, ${f(max)}]`, w);
      return;
    }
    return v;
  }

  /** check_true_false: `on|off|true|false|yes|no`, exact lowercase; undefined when invalid. */
  bool(w: Word): boolean | undefined {
    if (w.text === 'true' || w.text === 'on' || w.text === 'yes') return true;
    if (w.text === 'false' || w.text === 'off' || w.text === 'no') return false;
    return undefined;
  }

  private num(message: string, w: Word): undefined {
    this.error(message, w.loc);
    return undefined;
  }
}
