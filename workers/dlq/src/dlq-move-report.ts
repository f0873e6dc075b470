import type { DlqOutcome } from './dlq-mover.js';

/** What an operator's redrive or purge of one DLQ did. */
export interface DlqMoveReport {
  readonly topic: string;
  redriven: number;
  /** By reason, e.g. `{ "dlq:purged": 12 }`. */
  readonly quarantined: Record<string, number>;
  /** Moved, but the DLQ delete failed: they are still there and would be moved again. */
  undeleted: number;
}

export function emptyReport(topic: string): DlqMoveReport {
  return { topic, redriven: 0, quarantined: {}, undeleted: 0 };
}

export function addOutcome(report: DlqMoveReport, outcome: DlqOutcome): void {
  report.redriven += outcome.redriven.length;
  for (const { reason } of outcome.quarantined) report.quarantined[reason] = (report.quarantined[reason] ?? 0) + 1;
  report.undeleted += outcome.undeleted.length;
}
