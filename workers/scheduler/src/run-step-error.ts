import { LeanOpsError } from '@lean-ops/core';
import type { StepName } from './steps.js';

/** A step of a pipeline run failed; the run resumes from this step when retried. */
export class RunStepError extends LeanOpsError {
  override name = 'RunStepError';
  constructor(
    readonly topic: string,
    readonly step: StepName,
    cause: unknown,
  ) {
    super('run_step_failed', `${topic}: step ${step} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}
