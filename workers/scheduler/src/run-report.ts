import type { TableMaintenanceStatus } from '@lean-ops/core';
import type { MaintenanceResult, RunReport, RunState } from './run-state.js';
import { RunStepError } from './run-step-error.js';

/** The report of a run that reached an outcome. */
export function reportOf(state: RunState, finishedAt: Date): RunReport {
  if (state.outcome === undefined) throw new Error(`run of ${state.topic} has no outcome yet`);
  return {
    topic: state.topic,
    trigger: state.trigger,
    outcome: state.outcome,
    started_at: state.started_at,
    finished_at: finishedAt.toISOString(),
    timings: state.timings,
    ...(state.curation && { curation_records_written: state.curation.records_written }),
    ...(state.semantic && {
      semantic_records_written: state.semantic.records_written,
      semantic_records_rejected: state.semantic.records_rejected,
    }),
    ...(state.new_drift?.length ? { new_drift: state.new_drift } : {}),
    ...(state.again !== undefined && { again: state.again }),
    ...(state.maintenance && { maintenance: maintenanceReportOf(state.maintenance) }),
    ...(state.reprocess && { reprocess: state.reprocess }),
  };
}

function maintenanceReportOf(result: MaintenanceResult): NonNullable<RunReport['maintenance']> {
  const tables: Partial<Record<TableMaintenanceStatus, number>> = {};
  for (const t of result.tables) tables[t.status] = (tables[t.status] ?? 0) + 1;
  return { tables, ...(result.error !== undefined && { error: result.error }) };
}

/** The report of a run whose attempts are used up: the failing step and its error. */
export function failedReportOf(state: RunState, err: unknown, finishedAt: Date): RunReport {
  const error = err instanceof Error ? err : new Error(String(err));
  const cause = error instanceof RunStepError && error.cause instanceof Error ? error.cause : error;
  return {
    topic: state.topic,
    trigger: state.trigger,
    outcome: 'Failed',
    started_at: state.started_at,
    finished_at: finishedAt.toISOString(),
    timings: state.timings,
    ...(error instanceof RunStepError && { failed_step: error.step }),
    ...(state.reprocess && { reprocess: state.reprocess }),
    error: { name: cause.name, message: cause.message },
  };
}
