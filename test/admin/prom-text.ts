/** One sample line of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its `# TYPE` and its samples. */
export interface Family {
  readonly type: string;
  readonly samples: Sample[];
}

/** Parses the Prometheus text exposition (format 0.0.4) into families by name; strict about what it sees. */
export function parsePromText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  let currentName = '';
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) {
      currentName = type[1]!;
      if (families.has(currentName)) throw new Error(`family ${currentName} exported twice`);
      current = { type: type[2]!, samples: [] };
      families.set(currentName, current);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || current === undefined) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[lm[1]!] = lm[2]!;
    const name = m[1]!;
    if (!name.startsWith(currentName)) throw new Error(`sample ${name} outside its family ${currentName}`);
    current.samples.push({ name, labels, value: Number(m[3]) });
  }
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`; throws when absent. */
export function valueOf(f: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = f.get(name) ?? f.get(name.replace(/_(bucket|sum|count)$/, ''));
  const hits = (family?.samples ?? []).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (hits.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${hits.length} samples`);
  return hits[0]!.value;
}
