import {
  type CurationResult,
  formatZodIssues,
  JobFailedError,
  type JobOutcome,
  type SemanticResult,
} from '@lean-ops/core';
import { z } from 'zod';

/** Which run a result document belongs to, and where it was read (for error messages). */
export interface ResultSource {
  /** e.g. `GlueJobRunner: job lean-ops-curation run jr_… (topics a, b)`. */
  readonly label: string;
  readonly uri: string;
  readonly runId: string;
  /** The topics of the batch, in request order. */
  readonly topics: readonly string[];
}

// The jobs write snapshot ids as decimal text: 64-bit ids do not survive a JSON number here.
const snapshotId = z.string().regex(/^-?\d{1,20}$/, 'expected a 64-bit snapshot id as decimal text');
const count = z.number().int().nonnegative();

// The document names its run (jobs/glue/lean_ops_jobs/batch.py); checked so a document left
// by another run is never taken for this one. Each topic's entry is checked on its own: a
// malformed entry fails its topic only.
const batchDocument = z.looseObject({
  job_run_id: z.string(),
  topics: z.array(z.looseObject({ topic: z.string(), ok: z.boolean() })),
});

const failedEntry = z.looseObject({ error: z.string() });

const curationEntry = z.looseObject({
  curated_snapshot_id: snapshotId,
  curated_snapshot_sequence: count,
  records_written: count,
});

const semanticEntry = z.looseObject({
  records_written: count,
  records_rejected: count,
  undeclared_columns: z.array(z.string()),
});

/** The curation job's result document (`<result_uri>/<JOB_RUN_ID>.json`) as one outcome per topic of the batch. */
export function parseCurationOutcomes(text: string, source: ResultSource): JobOutcome<CurationResult>[] {
  return parseOutcomes(text, source, curationEntry, (e) => ({
    curated_snapshot: { id: e.curated_snapshot_id, sequence: e.curated_snapshot_sequence },
    records_written: e.records_written,
  }));
}

/** The semantic job's result document as one outcome per topic of the batch. */
export function parseSemanticOutcomes(text: string, source: ResultSource): JobOutcome<SemanticResult>[] {
  return parseOutcomes(text, source, semanticEntry, (e) => ({
    records_written: e.records_written,
    records_rejected: e.records_rejected,
    undeclared_columns: e.undeclared_columns,
  }));
}

/**
 * One outcome per topic of `source`, in its order. The document as a whole must parse and
 * name this run (else `JobFailedError` for the batch); a topic the document misses, reports
 * failed, or describes malformed fails alone with a `JobFailedError` naming it.
 */
function parseOutcomes<E, R>(
  text: string,
  source: ResultSource,
  entrySchema: z.ZodType<E>,
  resultOf: (entry: E) => R,
): JobOutcome<R>[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new JobFailedError(`${source.label}: result document ${source.uri} is not JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parsed = batchDocument.safeParse(json);
  if (!parsed.success) {
    const issues = formatZodIssues(parsed.error, json).join('; ');
    throw new JobFailedError(`${source.label}: result document ${source.uri} is malformed: ${issues}`);
  }
  if (parsed.data.job_run_id !== source.runId) {
    throw new JobFailedError(
      `${source.label}: result document ${source.uri} belongs to run ${parsed.data.job_run_id}, not this run`,
    );
  }
  const entries = new Map(parsed.data.topics.map((entry) => [entry.topic, entry]));
  return source.topics.map((topic): JobOutcome<R> => {
    const fail = (what: string): JobOutcome<R> => ({
      topic,
      ok: false,
      error: new JobFailedError(`${source.label}: topic ${topic}: ${what}`),
    });
    const entry = entries.get(topic);
    if (entry === undefined) return fail(`result document ${source.uri} has no outcome for it`);
    if (!entry.ok) {
      const failed = failedEntry.safeParse(entry);
      return fail(failed.success ? failed.data.error : '(the job gave no error message)');
    }
    const result = entrySchema.safeParse(entry);
    if (!result.success) {
      return fail(`result document ${source.uri} is malformed: ${formatZodIssues(result.error, entry).join('; ')}`);
    }
    return { topic, ok: true, result: resultOf(result.data) };
  });
}
