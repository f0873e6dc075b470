import { ConfigError } from '@lean-ops/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Every lean-ops metric starts with this. */
export const METRIC_PREFIX = 'leanops_';

/**
 * Labels that would explode cardinality: one series per device or message. Metrics
 * may be labelled by topic, queue, sink, outcome, reason, never by these.
 */
export const FORBIDDEN_LABELS: ReadonlySet<string> = new Set([
  'device_id',
  'idempotency_key',
  'message_id',
  'source_message_id',
  'receipt_handle',
  'body',
]);

export interface CreateRegistryOptions {
  /** Node.js process metrics (CPU, memory, event-loop lag, GC). @defaultValue true */
  readonly collectDefault?: boolean;
  /** Labels on every series, e.g. `{ service: 'ingest' }`. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

/** A fresh registry (never prom-client's global one, so tests and processes stay apart). */
export function createRegistry(options: CreateRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels({ ...options.defaultLabels });
  if (options.collectDefault ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

const NAME = /^[a-z][a-z0-9_]*$/;

function checkName(kind: string, name: string, labelNames: readonly string[]): string {
  const problems: string[] = [];
  if (!NAME.test(name)) problems.push(`name: "${name}" must match ${NAME} (the ${METRIC_PREFIX} prefix is added)`);
  if (name.startsWith(METRIC_PREFIX)) problems.push(`name: "${name}" must not repeat the ${METRIC_PREFIX} prefix`);
  if (kind === 'counter' && !name.endsWith('_total')) problems.push(`name: counter "${name}" must end in _total`);
  if (kind !== 'counter' && name.endsWith('_total')) problems.push(`name: only counters end in _total ("${name}")`);
  for (const label of labelNames) {
    if (FORBIDDEN_LABELS.has(label))
      problems.push(`labelNames: "${label}" is high-cardinality; label by topic or outcome instead`);
  }
  if (problems.length > 0) throw new ConfigError(`${kind} ${name}`, problems);
  return METRIC_PREFIX + name;
}

export interface MetricSpec<L extends string> {
  /** Without prefix; base units as suffix (`_seconds`, `_bytes`), counters end in `_total`. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
}

export function counter<L extends string>(registry: Registry, spec: MetricSpec<L>): Counter<L> {
  const name = checkName('counter', spec.name, spec.labelNames ?? []);
  return new Counter({ name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] });
}

export function gauge<L extends string>(registry: Registry, spec: MetricSpec<L>): Gauge<L> {
  const name = checkName('gauge', spec.name, spec.labelNames ?? []);
  return new Gauge({ name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] });
}

export function histogram<L extends string>(
  registry: Registry,
  spec: MetricSpec<L> & { readonly buckets: readonly number[] },
): Histogram<L> {
  const name = checkName('histogram', spec.name, spec.labelNames ?? []);
  return new Histogram({
    name,
    help: spec.help,
    labelNames: spec.labelNames ?? [],
    buckets: [...spec.buckets],
    registers: [registry],
  });
}

export type { Counter, Gauge, Histogram, Registry };
