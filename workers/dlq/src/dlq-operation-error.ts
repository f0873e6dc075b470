import { LeanOpsError } from '@lean-ops/core';
import type { DlqMoveReport } from './dlq-move-report.js';

/** An operator's redrive or purge stopped part-way: `report` says what was already moved. */
export class DlqOperationError extends LeanOpsError {
  override name = 'DlqOperationError';
  constructor(
    message: string,
    readonly report: DlqMoveReport,
  ) {
    super('dlq_operation_failed', message);
  }
}
