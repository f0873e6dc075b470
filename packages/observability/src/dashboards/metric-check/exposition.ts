/**
 * What a set of `/metrics` scrapes holds: every metric name (families from `# TYPE`, with a
 * histogram's `_bucket`/`_sum`/`_count`) and the label names seen on its samples.
 */
export interface ScrapedMetrics {
  /** Sample name → label names over all its samples; a name declared without samples maps to an empty set. */
  readonly labels: ReadonlyMap<string, ReadonlySet<string>>;
  /** Names that had at least one sample. */
  readonly sampled: ReadonlySet<string>;
}

const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** The label names of a sample line's `{…}` starting at `open`; the index after `}`. */
function labelNames(line: string, open: number): { names: string[]; end: number } {
  const names: string[] = [];
  let i = open + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i += 1;
    if (line[i] === '}' || i >= line.length) return { names, end: i + 1 };
    const eq = line.indexOf('=', i);
    names.push(line.slice(i, eq).trim().replace(/^"|"$/g, ''));
    i = eq + 2; // past `="`
    while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
    i += 1;
  }
}

/** Parses Prometheus text exposition (what prom-client serves) from one or more scrapes. */
export function parseExposition(texts: readonly string[]): ScrapedMetrics {
  const labels = new Map<string, Set<string>>();
  const sampled = new Set<string>();
  const entry = (name: string) => {
    const set = labels.get(name) ?? new Set<string>();
    labels.set(name, set);
    return set;
  };
  for (const text of texts) {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      const type = /^# TYPE (\S+) (\S+)/.exec(line);
      if (type) {
        const [, family, kind] = type as unknown as [string, string, string];
        for (const suffix of SUFFIXES[kind] ?? ['']) entry(family + suffix);
        continue;
      }
      if (line.startsWith('#')) continue;
      const brace = line.indexOf('{');
      const space = line.indexOf(' ');
      const name = brace >= 0 && (space < 0 || brace < space) ? line.slice(0, brace) : line.slice(0, space);
      const set = entry(name);
      sampled.add(name);
      if (brace >= 0 && (space < 0 || brace < space)) for (const l of labelNames(line, brace).names) set.add(l);
    }
  }
  return { labels, sampled };
}
