import type { ScrapedMetrics } from './exposition.js';
import { analyzePromql, PromqlSyntaxError } from './promql-selectors.js';

/** A PromQL expression and where it comes from (file, rule or panel), for the messages. */
export interface ExpressionSource {
  readonly where: string;
  readonly expr: string;
}

/** Labels Prometheus attaches to every scraped series from the scrape configuration. */
export const TARGET_LABELS: readonly string[] = ['job', 'instance', 'stage'];

/** Series Prometheus makes itself for every target (not in any `/metrics`). */
export const PROMETHEUS_SERIES: readonly string[] = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
];

/** Every metric an expression may name, and its label names. */
export interface MetricCatalog {
  readonly labels: ReadonlyMap<string, ReadonlySet<string>>;
  /** Names whose labels are known (they had samples, or are Prometheus's or recorded). */
  readonly known: ReadonlySet<string>;
}

/** A recording rule: the series name it records, its expression and the labels it sets. */
export interface RecordedSeries {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The scrape plus Prometheus's own series plus the recording rules' series. A recorded series
 * may carry any label of the metrics its expression reads, and the labels the rule sets.
 */
export function metricCatalog(scrape: ScrapedMetrics, recordings: readonly RecordedSeries[] = []): MetricCatalog {
  const labels = new Map<string, ReadonlySet<string>>(scrape.labels);
  const known = new Set<string>(scrape.sampled);
  for (const name of PROMETHEUS_SERIES) {
    labels.set(name, new Set());
    known.add(name);
  }
  // A rule may read another rule's series: resolve until nothing changes.
  let pending = [...recordings];
  while (pending.length > 0) {
    const next = pending.filter((rule) => {
      let metrics: string[];
      try {
        metrics = analyzePromql(rule.expr).selectors.flatMap((s) => (s.metric ? [s.metric] : []));
      } catch {
        metrics = [];
      }
      if (metrics.some((m) => pending.some((p) => p.record === m && p !== rule))) return true;
      const set = new Set<string>(Object.keys(rule.labels ?? {}));
      for (const m of metrics) for (const l of labels.get(m) ?? []) set.add(l);
      labels.set(rule.record, set);
      known.add(rule.record);
      return false;
    });
    if (next.length === pending.length) break; // a cycle: checkExpressions reports its names as unknown
    pending = next;
  }
  return { labels, known };
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

function closest(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = 6;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best ? ` (did you mean ${best}?)` : '';
}

/**
 * Problems of `sources` against `catalog`: an expression that does not parse, a metric no
 * scrape serves, a label name (matcher, `by`, `without`, `on`, `ignoring`, `group_*`) that
 * is on none of the metrics it applies to, a label that cannot be checked because its metric
 * had no series. Empty when every selector is sound.
 */
export function checkExpressions(sources: readonly ExpressionSource[], catalog: MetricCatalog): string[] {
  const problems: string[] = [];
  const labelsOf = (metric: string) => new Set([...(catalog.labels.get(metric) ?? []), ...TARGET_LABELS]);
  for (const { where, expr } of sources) {
    let analysis: ReturnType<typeof analyzePromql>;
    try {
      analysis = analyzePromql(expr);
    } catch (err) {
      if (!(err instanceof PromqlSyntaxError)) throw err;
      problems.push(`${where}: ${err.message}`);
      continue;
    }
    const unchecked = new Set<string>();
    for (const selector of analysis.selectors) {
      const { metric } = selector;
      if (metric === undefined) {
        problems.push(`${where}: a selector without a metric name cannot be checked: ${expr}`);
        continue;
      }
      if (!catalog.labels.has(metric)) {
        problems.push(`${where}: metric ${metric} is not in the scrape${closest(metric, catalog.labels.keys())}`);
        continue;
      }
      const onMetric = labelsOf(metric);
      for (const label of selector.matcherLabels) {
        if (TARGET_LABELS.includes(label)) continue;
        if (!catalog.known.has(metric)) unchecked.add(metric);
        else if (!onMetric.has(label))
          problems.push(
            `${where}: label "${label}" (matcher) is not a label of ${metric} (${[...onMetric].sort().join(', ')})`,
          );
      }
    }
    for (const use of analysis.groupings) {
      const present = use.metrics.filter((m) => catalog.labels.has(m));
      for (const label of use.labels) {
        if (TARGET_LABELS.includes(label) || use.created.includes(label)) continue;
        const withoutSeries = present.filter((m) => !catalog.known.has(m));
        if (present.some((m) => labelsOf(m).has(label))) continue;
        if (withoutSeries.length > 0) {
          for (const m of withoutSeries) unchecked.add(m);
          continue;
        }
        if (present.length === 0 && use.metrics.length > 0) continue; // the missing metric is reported above
        problems.push(
          `${where}: label "${label}" (${use.clause}) is on none of ${use.metrics.join(', ') || 'no metric at all'}`,
        );
      }
    }
    for (const metric of unchecked)
      problems.push(
        `${where}: ${metric} had no series in the scrape, so the labels used on it cannot be checked (initialise it at 0 for each known label set at start, or make the e2e run produce one)`,
      );
  }
  return problems;
}
