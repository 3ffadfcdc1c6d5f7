import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What kind of kernel object an owned entry is. */
export type OwnedKind = 'address' | 'route' | 'rule';

/** One kernel object Tandem added: enough to delete it again after a crash. */
export interface OwnedEntry {
  readonly kind: OwnedKind;
  /** The instance that added it (`VI_1`), for removal per instance. */
  readonly owner: string;
  /** The `ip addr|route|rule` arguments it was added with (after `add`); deleting uses the same. */
  readonly args: readonly string[];
}

/** The identity of an entry: kind plus arguments (the owner does not make a different kernel object). */
export function ownedKey(kind: OwnedKind, args: readonly string[]): string {
  return `${kind} ${args.join(' ')}`;
}

/** The `ip -batch` line that adds or deletes an owned object (`addr del 198.51.100.100/24 dev eth0`). */
export function ipLine(kind: OwnedKind, verb: 'add' | 'del', args: readonly string[]): string {
  return `${kind === 'address' ? 'addr' : kind} ${verb} ${args.join(' ')}`;
}

/**
 * The record of what Tandem configured in the kernel, kept in a JSON state file written atomically
 * (temp file + rename) *before* each add and updated after each delete. After a crash (kill -9
 * leaves VIPs configured, vrrp.md §3.2) the next start deletes exactly these and nothing else: an
 * address an operator or another program configured is never in the file, so it is never touched.
 * Without a file path the record lives only in memory (tests, `--dont-release-vrrp`-like setups).
 *
 * Beside it, {@link releaseFile} holds the same record as `ip -batch` delete lines, for the `ip`
 * session to run when the daemon dies (ip-batch-session.ts): a crashed Tandem does not leave its VIPs
 * answering for a VRRP group whose backup takes over (keepalived leaves them until it restarts).
 */
export class OwnedState {
  readonly file: string | undefined;
  /** The release batch (`ip -force -batch FILE` deletes everything recorded), beside {@link file}. */
  readonly releaseFile: string | undefined;
  readonly #entries = new Map<string, OwnedEntry>();

  constructor(file?: string) {
    this.file = file;
    this.releaseFile = file === undefined ? undefined : `${file.replace(/\.json$/, '')}.release`;
    if (file === undefined) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return; // no file yet: nothing was configured
    }
    try {
      const parsed = JSON.parse(text) as { entries?: OwnedEntry[] };
      for (const e of parsed.entries ?? []) this.#entries.set(ownedKey(e.kind, e.args), e);
    } catch {
      // A torn or foreign file: start empty rather than delete on a guess.
    }
  }

  /** Every entry, in the order they were added. */
  entries(): OwnedEntry[] {
    return [...this.#entries.values()];
  }

  /** Whether Tandem added this object. */
  has(kind: OwnedKind, args: readonly string[]): boolean {
    return this.#entries.has(ownedKey(kind, args));
  }

  /** Records entries (write-ahead) and saves. */
  record(entries: readonly OwnedEntry[]): void {
    for (const e of entries) this.#entries.set(ownedKey(e.kind, e.args), e);
    this.#save();
  }

  /** Forgets entries and saves. */
  forget(entries: readonly { kind: OwnedKind; args: readonly string[] }[]): void {
    let changed = false;
    for (const e of entries) changed = this.#entries.delete(ownedKey(e.kind, e.args)) || changed;
    if (changed) this.#save();
  }

  #save(): void {
    if (this.file === undefined) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, entries: this.entries() }, null, 1)}\n`);
    renameSync(tmp, this.file);
    if (this.releaseFile === undefined) return;
    // Routes and rules before the addresses they may depend on: the reverse of the order added.
    const lines = this.entries()
      .reverse()
      .map((e) => `${ipLine(e.kind, 'del', e.args)}\n`);
    writeFileSync(tmp, lines.join(''));
    renameSync(tmp, this.releaseFile);
  }
}
