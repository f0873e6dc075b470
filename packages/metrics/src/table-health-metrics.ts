import { TABLE_HEALTH_FIGURES, type TableHealth, type TableHealthFigure } from '@lean-ops/core';
import { type Gauge, gauge, type Registry } from './registry.js';

/** Prometheus name (without the `leanops_` prefix) and help of each table health figure. */
export const TABLE_HEALTH_GAUGES = {
  data_files: { name: 'table_data_files', help: 'Live data files of the table.' },
  small_files: { name: 'table_small_files', help: 'Live data files under the small-file threshold.' },
  avg_file_bytes: { name: 'table_avg_file_bytes', help: 'Average size of the live data files.' },
  data_bytes: { name: 'table_data_bytes', help: 'Total size of the live data files.' },
  delete_files: {
    name: 'table_delete_files',
    help: 'Live delete files (merge-on-read position/equality deletes) not yet folded by compaction.',
  },
  snapshots: { name: 'table_snapshots', help: 'Snapshots kept in the table metadata.' },
  oldest_snapshot_age_seconds: {
    name: 'table_oldest_snapshot_age_seconds',
    help: 'Age of the oldest snapshot kept.',
  },
  manifests: { name: 'table_manifests', help: 'Manifests of the current snapshot.' },
  metadata_files: { name: 'table_metadata_files', help: 'Metadata versions in the metadata log.' },
} as const satisfies Record<TableHealthFigure, { name: string; help: string }>;

export type TableHealthGauges = Readonly<Record<TableHealthFigure, Gauge<'topic' | 'layer'>>>;

/** The `leanops_table_*` gauges (labels topic, layer) on `registry`. */
export function createTableHealthGauges(registry: Registry): TableHealthGauges {
  const gauges = {} as Record<TableHealthFigure, Gauge<'topic' | 'layer'>>;
  for (const figure of TABLE_HEALTH_FIGURES) {
    gauges[figure] = gauge(registry, { ...TABLE_HEALTH_GAUGES[figure], labelNames: ['topic', 'layer'] as const });
  }
  return gauges;
}

/** Sets the gauges from health readings; a table that does not exist yet has its series removed. */
export function recordTableHealth(gauges: TableHealthGauges, readings: readonly TableHealth[]): void {
  for (const reading of readings) {
    const labels = { topic: reading.topic, layer: reading.layer };
    for (const figure of TABLE_HEALTH_FIGURES) {
      if (reading.figures === null) gauges[figure].remove(labels);
      else gauges[figure].set(labels, reading.figures[figure]);
    }
  }
}
