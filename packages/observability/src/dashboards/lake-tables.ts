import type { DashboardSpec } from './shared/dashboard.js';
import type { PanelSpec } from './shared/panels.js';
import { metric } from './shared/promql.js';
import { layerVariable } from './shared/variables.js';

const TL = { topic: true, match: ['layer=~"$layer"'] } as const;

/** One health gauge over time, per topic and layer. */
function gaugePanel(name: string, title: string, description: string, unit: string): PanelSpec {
  return {
    kind: 'timeseries',
    title,
    description,
    unit,
    width: 8,
    queries: [{ expr: `max by (topic, layer) (${metric(name, TL)})`, legend: '{{topic}} {{layer}}' }],
  };
}

/** The lake tables' health after each maintenance (`leanops_table_*`, docs/maintenance.md). */
export const lakeTables: DashboardSpec = {
  uid: 'lean-ops-lake-tables',
  file: 'lake-tables',
  title: 'lean-ops / Lake tables',
  description:
    'Table health per topic and layer, read after each table maintenance: files, deletes, snapshots, metadata.',
  variables: [layerVariable()],
  sections: [
    {
      row: 'Now',
      panels: [
        {
          kind: 'table',
          title: 'Table health',
          description: 'The latest figures of every table (one row per topic and layer).',
          width: 24,
          queries: [
            { expr: `max by (topic, layer) (${metric('table_data_files', TL)})`, legend: 'data files' },
            { expr: `max by (topic, layer) (${metric('table_small_files', TL)})`, legend: 'small files' },
            { expr: `max by (topic, layer) (${metric('table_delete_files', TL)})`, legend: 'delete files' },
            { expr: `max by (topic, layer) (${metric('table_snapshots', TL)})`, legend: 'snapshots' },
            { expr: `max by (topic, layer) (${metric('table_data_bytes', TL)})`, legend: 'data bytes' },
          ],
        },
      ],
    },
    {
      row: 'Files',
      panels: [
        gaugePanel('table_data_files', 'Data files', 'Live data files of the table.', 'short'),
        gaugePanel('table_small_files', 'Small files', 'Live data files under the small-file threshold.', 'short'),
        gaugePanel(
          'table_delete_files',
          'Delete files',
          'Live delete files (merge-on-read deletes) not yet folded by compaction.',
          'short',
        ),
        gaugePanel('table_avg_file_bytes', 'Average file size', 'Average size of the live data files.', 'bytes'),
        gaugePanel('table_data_bytes', 'Table size', 'Total size of the live data files.', 'bytes'),
      ],
    },
    {
      row: 'Metadata',
      panels: [
        gaugePanel('table_snapshots', 'Snapshots', 'Snapshots kept in the table metadata.', 'short'),
        gaugePanel('table_oldest_snapshot_age_seconds', 'Oldest snapshot age', 'Age of the oldest snapshot kept.', 's'),
        gaugePanel('table_manifests', 'Manifests', 'Manifests of the current snapshot.', 'short'),
        gaugePanel('table_metadata_files', 'Metadata files', 'Metadata versions in the metadata log.', 'short'),
        {
          kind: 'timeseries',
          title: 'Maintenances by status',
          description: 'Table maintenances by topic, layer and status over the rate interval.',
          unit: 'short',
          width: 16,
          queries: [
            {
              expr: `sum by (topic, layer, status) (increase(${metric('scheduler_table_maintenance_total', TL)}[$__rate_interval]))`,
              legend: '{{topic}} {{layer}} {{status}}',
            },
          ],
        },
      ],
    },
  ],
};
