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
  | { readonly kind: 'table_health'; readonly topic: string; readonly tables: readonly TableHealth[] }
  /** Snowflake's auto-refresh of the topic's semantic table (SYSTEM$AUTO_REFRESH_STATUS), so a stall can alarm. */
  | {
      readonly kind: 'snowflake_auto_refresh';
      readonly topic: string;
      /** Snapshots queued for the auto-refresh; null when the status could not be read. */
      readonly pendingSnapshots: number | null;
      /** executionState is RUNNING; false when stalled, stopped, or the status could not be read. */
      readonly running: boolean;
    };

/**
 * Operator notifications: a CloudWatch metric in AWS, a log line locally. Drift entries
 * themselves go to the `DriftLog`; this only raises the signal alarms watch.
 */
export interface Notifier {
  notify(notice: PipelineNotice): Promise<void>;
}
