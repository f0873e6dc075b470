import type { TableHealth } from './table-maintenance.js';

/** What the scheduler tells operators about (contract §7: drift and missing schemas). */
export type PipelineNotice =
  | { readonly kind: 'missing_schema'; readonly topic: string }
  | { readonly kind: 'drift'; readonly topic: string; readonly columns: readonly string[] }
  /** The lag gauges alarms watch (contract §7): curation pending records, semantic lag. */
  | {
      readonly kind: 'lag';
      readonly topic: string;
      readonly curationPendingRecords: number;
      readonly semanticLagSeconds: number;
    }
  /** The health of a topic's tables after a maintenance (docs/maintenance.md); tables not yet created have null figures. */
  | { readonly kind: 'table_health'; readonly topic: string; readonly tables: readonly TableHealth[] };

/**
 * Operator notifications: a CloudWatch metric in AWS, a log line locally. Drift entries
 * themselves go to the `DriftLog`; this only raises the signal alarms watch.
 */
export interface Notifier {
  notify(notice: PipelineNotice): Promise<void>;
}
