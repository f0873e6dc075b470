import type { Section } from './dashboard.js';
import { metric } from './promql.js';

/** The Node.js process metrics (prom-client's defaults, `leanops_` prefix) of one service's tasks. */
export function processSection(service: string): Section {
  const of = { match: [`service="${service}"`] };
  return {
    row: `Process (${service})`,
    panels: [
      {
        kind: 'timeseries',
        title: 'Resident memory',
        description: 'RSS of each process.',
        unit: 'bytes',
        width: 8,
        queries: [{ expr: metric('process_resident_memory_bytes', of), legend: '{{instance}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Event-loop lag p99',
        description:
          'The 99th percentile of the event-loop delay: work that blocks the loop delays every poll and flush.',
        unit: 's',
        width: 8,
        queries: [{ expr: metric('nodejs_eventloop_lag_p99_seconds', of), legend: '{{instance}}' }],
      },
      {
        kind: 'timeseries',
        title: 'CPU',
        description: 'CPU seconds per second (1 = one core busy).',
        unit: 'percentunit',
        width: 8,
        queries: [
          { expr: `rate(${metric('process_cpu_seconds_total', of)}[$__rate_interval])`, legend: '{{instance}}' },
        ],
      },
    ],
  };
}
