import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { addressArgs, routeOrRuleArgs, type AddressSpec } from './address-spec.js';
import { IpCommand } from './ip-command.js';
import { ipLine, OwnedState, type OwnedEntry, type OwnedKind } from './owned-state.js';

/** What happened to one address, route or rule. */
export type ApplyResult =
  /** Added or deleted as asked. */
  | 'done'
  /** Add: it already existed and Tandem did not add it, so Tandem leaves it alone and will not delete it. */
  | 'foreign'
  /** Delete: it was not there any more (someone removed it); Tandem's record is dropped. */
  | 'absent'
  /** Delete: Tandem never added it, so it is not Tandem's to remove. */
  | 'not-owned'
  | 'failed';

/** The outcome for one object. */
export interface ApplyOutcome {
  readonly kind: OwnedKind;
  readonly args: readonly string[];
  readonly result: ApplyResult;
  readonly error?: string;
}

/** Options for {@link KernelConfig}. */
export interface KernelConfigOptions {
  readonly ip?: IpCommand;
  /** The ownership record; pass one with a file so a restart after a crash can clean up. */
  readonly state?: OwnedState;
  readonly log?: Logger;
}

// iproute2's wording for "already there" and "not there" (RTNETLINK EEXIST / EADDRNOTAVAIL, ESRCH, ENOENT).
const EXISTS = /File exists|already assigned/i;
const ABSENT = /Cannot assign requested address|No such process|No such file or directory|not found/i;

/**
 * Adds and removes virtual addresses, virtual routes and virtual rules through iproute2 (one
 * `ip -batch` per call), recording what it added in an {@link OwnedState}: it removes only what it
 * added, and after a crash {@link removeStale} deletes exactly that (issue 6, item 2).
 */
export class KernelConfig {
  readonly ip: IpCommand;
  readonly state: OwnedState;
  readonly #log: Logger;

  constructor(options: KernelConfigOptions = {}) {
    this.ip = options.ip ?? new IpCommand();
    this.state = options.state ?? new OwnedState();
    this.#log = options.log ?? silentLogger;
  }

  /** Adds VIPs (or excluded VIPs) for `owner`. */
  addAddresses(owner: string, specs: readonly AddressSpec[]): Promise<ApplyOutcome[]> {
    return this.#add('address', owner, specs.map(addressArgs));
  }

  /** Removes VIPs Tandem added for any instance; others are reported `not-owned` and left alone. */
  removeAddresses(specs: readonly AddressSpec[]): Promise<ApplyOutcome[]> {
    return this.#remove('address', specs.map(addressArgs));
  }

  /** Adds `virtual_routes` lines (keepalived syntax words, e.g. `['203.0.113.0/24', 'via', '198.51.100.254']`). */
  addRoutes(owner: string, routes: readonly (readonly string[])[]): Promise<ApplyOutcome[]> {
    return this.#add('route', owner, routes.map(routeOrRuleArgs));
  }

  /** Removes `virtual_routes` Tandem added. */
  removeRoutes(routes: readonly (readonly string[])[]): Promise<ApplyOutcome[]> {
    return this.#remove('route', routes.map(routeOrRuleArgs));
  }

  /** Adds `virtual_rules` lines (e.g. `['from', '198.51.100.100', 'table', '100', 'preference', '100']`). */
  addRules(owner: string, rules: readonly (readonly string[])[]): Promise<ApplyOutcome[]> {
    return this.#add('rule', owner, rules.map(routeOrRuleArgs));
  }

  /** Removes `virtual_rules` Tandem added. */
  removeRules(rules: readonly (readonly string[])[]): Promise<ApplyOutcome[]> {
    return this.#remove('rule', rules.map(routeOrRuleArgs));
  }

  /**
   * Removes everything recorded (of one owner, or all): on stop, and at start for what a crashed
   * run left behind. Rules first, then routes, then addresses (a route may need its address).
   */
  async removeOwned(owner?: string): Promise<ApplyOutcome[]> {
    const mine = this.state.entries().filter((e) => owner === undefined || e.owner === owner);
    const out: ApplyOutcome[] = [];
    for (const kind of ['rule', 'route', 'address'] as const) {
      out.push(
        ...(await this.#remove(
          kind,
          mine.filter((e) => e.kind === kind).map((e) => e.args),
        )),
      );
    }
    return out;
  }

  /** At start: deletes what an earlier run recorded and did not remove (it crashed); returns the outcomes. */
  async removeStale(): Promise<ApplyOutcome[]> {
    const out = await this.removeOwned();
    const removed = out.filter((o) => o.result === 'done');
    if (removed.length > 0)
      this.#log.info(`removed ${removed.length} stale address(es)/route(s)/rule(s) left by an earlier run`);
    return out;
  }

  async #add(kind: OwnedKind, owner: string, argsList: readonly string[][]): Promise<ApplyOutcome[]> {
    const todo = argsList.filter((a) => !this.state.has(kind, a));
    const already = argsList.filter((a) => this.state.has(kind, a));
    // Write-ahead: if we crash between the add and the save, the next start still removes it.
    const entries: OwnedEntry[] = todo.map((args) => ({ kind, owner, args }));
    this.state.record(entries);
    const results = await this.ip.batch(todo.map((a) => ipLine(kind, 'add', a)));
    const outcomes: ApplyOutcome[] = already.map((args) => ({ kind, args, result: 'done' }));
    const notOurs: { kind: OwnedKind; args: readonly string[] }[] = [];
    results.forEach((r, i) => {
      const args = todo[i] ?? [];
      if (r.ok) outcomes.push({ kind, args, result: 'done' });
      else if (EXISTS.test(r.error ?? '')) {
        notOurs.push({ kind, args });
        this.#log.warn(
          `${kind} ${args.join(' ')} already exists and was not added by Tandem; leaving it alone`,
        );
        outcomes.push({ kind, args, result: 'foreign' });
      } else {
        notOurs.push({ kind, args });
        this.#log.error(`cannot add ${kind} ${args.join(' ')}: ${r.error ?? 'failed'}`);
        outcomes.push({ kind, args, result: 'failed', error: r.error ?? 'failed' });
      }
    });
    this.state.forget(notOurs);
    return outcomes;
  }

  async #remove(kind: OwnedKind, argsList: readonly (readonly string[])[]): Promise<ApplyOutcome[]> {
    const owned = argsList.filter((a) => this.state.has(kind, a));
    const outcomes: ApplyOutcome[] = argsList
      .filter((a) => !this.state.has(kind, a))
      .map((args) => ({ kind, args, result: 'not-owned' }));
    const results = await this.ip.batch(owned.map((a) => ipLine(kind, 'del', a)));
    const gone: { kind: OwnedKind; args: readonly string[] }[] = [];
    results.forEach((r, i) => {
      const args = owned[i] ?? [];
      if (r.ok) {
        gone.push({ kind, args });
        outcomes.push({ kind, args, result: 'done' });
      } else if (ABSENT.test(r.error ?? '')) {
        gone.push({ kind, args });
        outcomes.push({ kind, args, result: 'absent' });
      } else {
        this.#log.error(`cannot remove ${kind} ${args.join(' ')}: ${r.error ?? 'failed'}`);
        outcomes.push({ kind, args, result: 'failed', error: r.error ?? 'failed' });
      }
    });
    this.state.forget(gone);
    return outcomes;
  }
}
