/** One `track_file NAME { }` block (keepalived.md §1.5), already validated. */
export interface FileTrackerParams {
  /** The block name (`track_file NAME`), as instances reference it. */
  readonly name: string;
  /** `file PATH`: the file whose integer value is tracked. */
  readonly file: string;
  /** `weight N [reverse]`: −254..254, keepalived's default 1. 0 = a non-zero value means FAULT. */
  readonly weight?: number;
  readonly reverse?: boolean;
  /**
   * `init_file [VALUE] [overwrite]`: create the file with VALUE (default 0) if it is missing, or
   * always with `overwrite` (never on reload).
   */
  readonly init?: { readonly value?: number; readonly overwrite?: boolean };
}

/** The slice of configuration the `tracker.file` plugin runs from. */
export interface FileTrackerConfig {
  readonly files: readonly FileTrackerParams[];
  /** Names some instance or sync group tracks (`track_file`); others are dropped. Absent = all. */
  readonly tracked?: ReadonlySet<string>;
  /**
   * A safety re-read period in ms beside inotify (a missed event on an NFS mount, a replaced
   * directory). 0 disables; default 5000.
   */
  readonly pollInterval?: number;
  /** Whether this is a reload (keepalived never overwrites a track file on reload). */
  readonly reload?: boolean;
}
