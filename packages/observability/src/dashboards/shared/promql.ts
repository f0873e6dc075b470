/** Every lean-ops metric starts with this (packages/metrics adds it to each name). */
const PREFIX = 'leanops_';

/** Matchers every query carries: the stage the `stage` variable picks. */
const STAGE = 'stage=~"$stage"';
const TOPIC = 'topic=~"$topic"';

export interface SelectorOptions {
  /** Filter by the `topic` variable (the metric has a `topic` label). */
  readonly topic?: boolean;
  /** Further matchers, e.g. `layer="curated"`. */
  readonly match?: readonly string[];
}

/** `leanops_<name>{stage=~"$stage"[,topic=~"$topic"][,…]}`; `name` as the code defines it (without prefix). */
export function metric(name: string, options: SelectorOptions = {}): string {
  const matchers = [STAGE, ...(options.topic ? [TOPIC] : []), ...(options.match ?? [])];
  return `${PREFIX}${name}{${matchers.join(',')}}`;
}

/** Per-second rate over Grafana's rate interval, summed by `by`. */
export function rateBy(by: string, name: string, options: SelectorOptions = {}): string {
  return `sum by (${by}) (rate(${metric(name, options)}[$__rate_interval]))`;
}

/** The `q` quantile of histogram `name` (without `_bucket`), by `by`. */
export function quantileBy(q: number, by: string, name: string, options: SelectorOptions = {}): string {
  return `histogram_quantile(${q}, sum by (${by}, le) (rate(${metric(`${name}_bucket`, options)}[$__rate_interval])))`;
}
