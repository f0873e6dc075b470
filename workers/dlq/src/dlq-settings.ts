import { readEnvironment } from '@lean-ops/config';
import { z } from 'zod';
import type { DlqTuning } from './dlq-options.js';

const count = z.coerce.number().int().nonnegative().optional();

/** What a deployment sets for the DLQ processor beyond the ingest's environment. */
export const dlqSettingsSchema = z.strictObject({
  maxAttempts: count,
  backoffBaseSeconds: count,
  backoffMaxSeconds: count,
  /** The ingest worker serves 9464 by default; the DLQ processor the next port. @defaultValue 9465 */
  metricsPort: z.coerce.number().int().min(0).max(65_535).default(9465),
});

const ENV: Record<keyof z.output<typeof dlqSettingsSchema>, string> = {
  maxAttempts: 'LEAN_OPS_DLQ_MAX_ATTEMPTS',
  backoffBaseSeconds: 'LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS',
  backoffMaxSeconds: 'LEAN_OPS_DLQ_BACKOFF_MAX_SECONDS',
  metricsPort: 'LEAN_OPS_DLQ_METRICS_PORT',
};

export interface DlqSettings {
  /** Processor options (their ranges are checked when the processor is built). */
  readonly tuning: DlqTuning;
  readonly metricsPort: number;
}

/** Reads `LEAN_OPS_DLQ_*`; flags given in `overrides` win. Throws `ConfigError` naming the variable. */
export function readDlqSettings(
  env: NodeJS.ProcessEnv,
  overrides: Partial<Record<keyof typeof ENV, unknown>> = {},
): DlqSettings {
  const { metricsPort, ...rest } = readEnvironment('DLQ processor environment', dlqSettingsSchema, ENV, env, overrides);
  const tuning = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as DlqTuning;
  return { tuning, metricsPort };
}
