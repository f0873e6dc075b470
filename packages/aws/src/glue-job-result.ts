import { type CurationResult, formatZodIssues, JobFailedError, type SemanticResult } from '@lean-ops/core';
import { z } from 'zod';

/** Which run a result document belongs to, and where it was read (for error messages). */
export interface ResultSource {
  /** e.g. `GlueJobRunner: job lean-ops-curation run jr_… (topic telemetry)`. */
  readonly label: string;
  readonly uri: string;
  readonly runId: string;
  readonly topic: string;
}

// The jobs write snapshot ids as decimal text: 64-bit ids do not survive a JSON number here.
const snapshotId = z.string().regex(/^-?\d{1,20}$/, 'expected a 64-bit snapshot id as decimal text');
const count = z.number().int().nonnegative();
// Every document names its run and topic (jobs/glue/lean_ops_jobs/results.py); checked so a
// document left by another run is never taken for this one.
const runFields = { job_run_id: z.string(), topic: z.string() };

const curationDocument = z.looseObject({
  ...runFields,
  curated_snapshot_id: snapshotId,
  curated_snapshot_sequence: count,
  records_written: count,
});

const semanticDocument = z.looseObject({
  ...runFields,
  records_written: count,
  records_rejected: count,
  undeclared_columns: z.array(z.string()),
});

/** The curation job's result document (`<result_uri>/<JOB_RUN_ID>.json`) as the port's result. */
export function parseCurationResult(text: string, source: ResultSource): CurationResult {
  const doc = parseDocument(curationDocument, text, source);
  return {
    curated_snapshot: { id: doc.curated_snapshot_id, sequence: doc.curated_snapshot_sequence },
    records_written: doc.records_written,
  };
}

/** The semantic job's result document as the port's result. */
export function parseSemanticResult(text: string, source: ResultSource): SemanticResult {
  const doc = parseDocument(semanticDocument, text, source);
  return {
    records_written: doc.records_written,
    records_rejected: doc.records_rejected,
    undeclared_columns: doc.undeclared_columns,
  };
}

function parseDocument<T extends { job_run_id: string; topic: string }>(
  schema: z.ZodType<T>,
  text: string,
  source: ResultSource,
): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new JobFailedError(`${source.label}: result document ${source.uri} is not JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = formatZodIssues(parsed.error, json).join('; ');
    throw new JobFailedError(`${source.label}: result document ${source.uri} is malformed: ${issues}`);
  }
  const { job_run_id, topic } = parsed.data;
  if (job_run_id !== source.runId || topic !== source.topic) {
    throw new JobFailedError(
      `${source.label}: result document ${source.uri} belongs to run ${job_run_id} of topic ${topic}, not this run`,
    );
  }
  return parsed.data;
}
