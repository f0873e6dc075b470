import { GetJobRunsCommand, StartJobRunCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { JobFailedError, parseSemanticSchema } from '@lean-ops/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type GlueJobKind, GlueJobRunner, type GlueJobRunnerOptions } from '../../src/index.js';
import {
  createGlueJob,
  playGlueJob,
  recordingLogger,
  setMotoTransition,
  startMotoGlue,
  stopMotoGlue,
} from '../helpers/glue.js';
import { sharedSetup } from '../helpers/shared-setup.js';

const RESULTS_URI = 's3://artifacts/job-results';
const TOPIC = 'telemetry';
// Above 2^53: a JSON number or a JavaScript number would change these ids.
const RAW_TO = { id: '9007199254740993', sequence: 12 };
const CURATED_FROM = { id: '4611686018427387905', sequence: 4 };
const CURATED_TO = { id: '8930417267512038593', sequence: 5 };

const env = sharedSetup(async () => {
  const context = await startMotoGlue('artifacts');
  // moto's runs succeed on first read unless told otherwise; half a second per state gives
  // the test, playing the job, time to write the result before the run SUCCEEDS.
  await setMotoTransition(context.moto.endpoint, 'glue::job_run', { progression: 'time', seconds: 0.5 });
  return context;
}, stopMotoGlue);
afterAll(() => env.dispose());

let jobs = 0;
/** A fresh Glue job of `kind` (runs of earlier tests cannot hold its one concurrent-run slot). */
async function newJob(kind: GlueJobKind): Promise<string> {
  const { glue } = await env.get();
  const name = `lean-ops-${kind}-${++jobs}`;
  await createGlueJob(glue, name, kind, RESULTS_URI);
  return name;
}

async function newRunner(jobName: string, options: Partial<GlueJobRunnerOptions> = {}) {
  const { glue, s3 } = await env.get();
  const logger = recordingLogger();
  const runner = new GlueJobRunner({
    glue,
    s3,
    curationJobName: jobName,
    semanticJobName: jobName,
    resultsUri: RESULTS_URI,
    pollIntervalMs: 50,
    maxPollIntervalMs: 200,
    timeoutMs: 30_000,
    logger,
    ...options,
  });
  return { runner, logger };
}

/** A result document as jobs/glue/lean_ops_jobs/batch.py writes it, with these topics' outcomes. */
const batchDocument = (runId: string | undefined, job: string, topics: Record<string, unknown>[]) => ({
  finished_at: '2024-03-01T12:00:00.000000Z',
  job,
  job_run_id: runId,
  topics,
});

const curationDocument = (runId: string | undefined, overrides: Record<string, unknown> = {}) =>
  batchDocument(runId, 'curation', [
    {
      curated_snapshot_id: CURATED_TO.id,
      curated_snapshot_sequence: CURATED_TO.sequence,
      ok: true,
      raw_seq: RAW_TO.sequence,
      raw_snapshot_id: RAW_TO.id,
      records_rejected: 2,
      records_written: 40,
      topic: TOPIC,
      ...overrides,
    },
  ]);

/** The batch document a run was started with (its `--batch_uri`). */
async function batchOf(arguments_: Record<string, string> | undefined): Promise<unknown> {
  const { s3 } = await env.get();
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(arguments_?.['--batch_uri'] ?? '');
  if (!match) throw new Error(`no s3:// --batch_uri in ${JSON.stringify(arguments_)}`);
  const out = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
  return JSON.parse((await out.Body?.transformToString()) ?? 'null');
}

describe('Class: GlueJobRunner (moto Glue + S3)', () => {
  it('starts one curation run for the batch (its document in S3) and returns each topic’s outcome from the result document', async () => {
    // Prepare
    const { glue, s3 } = await env.get();
    const jobName = await newJob('curation');
    const { runner, logger } = await newRunner(jobName);

    // Act: two topics; the job curates one and fails the other.
    const result = runner.runCurations([
      { topic: TOPIC, from: null, to: RAW_TO },
      { topic: 'alerts', from: CURATED_FROM, to: RAW_TO },
    ]);
    const run = await playGlueJob(glue, s3, jobName, (r) => {
      const doc = curationDocument(r.Id);
      return { ...doc, topics: [...doc.topics, { topic: 'alerts', ok: false, error: 'JobFailedError: boom' }] };
    });

    // Assess
    const outcomes = await result;
    expect(outcomes[0]).toEqual({
      topic: TOPIC,
      ok: true,
      result: { curated_snapshot: CURATED_TO, records_written: 40 },
    });
    expect(outcomes[1]?.ok === false && outcomes[1].error.message).toBe(
      `GlueJobRunner: job ${jobName} run ${run.Id} (topics ${TOPIC}, alerts): topic alerts: JobFailedError: boom`,
    );
    expect(run.Arguments).toEqual({
      '--datalake-formats': 'iceberg',
      '--result_uri': 's3://artifacts/job-results/curation',
      '--batch_uri': expect.stringMatching(/^s3:\/\/artifacts\/job-results\/curation\/requests\/[0-9a-f-]{36}\.json$/),
    });
    expect(await batchOf(run.Arguments)).toEqual({
      job: 'curation',
      topics: [
        { topic: TOPIC, from_snapshot: null, to_snapshot: RAW_TO.id },
        { topic: 'alerts', from_snapshot: CURATED_FROM.id, to_snapshot: RAW_TO.id },
      ],
    });
    const started = logger.lines.find((l) => l.message === 'Glue job run started');
    expect(started?.fields).toMatchObject({ jobName, runId: run.Id });
    expect(logger.lines.some((l) => l.message === 'Glue job run succeeded' && l.fields.runId === run.Id)).toBe(true);
  });

  it('starts the semantic job with each topic’s range and schema in the batch document and returns its result', async () => {
    // Prepare
    const { glue, s3 } = await env.get();
    const jobName = await newJob('semantic');
    const { runner } = await newRunner(jobName);
    const schema = parseSemanticSchema({
      topic: TOPIC,
      version: 3,
      columns: [
        { name: 'payload_temp', type: 'double', required: true },
        { name: 'payload_site', type: 'string' },
      ],
    });

    // Act
    const result = runner.runSemantics([{ topic: TOPIC, from: CURATED_FROM, to: CURATED_TO, schema }]);
    const run = await playGlueJob(glue, s3, jobName, (r) =>
      batchDocument(r.Id, 'semantic', [
        {
          topic: TOPIC,
          ok: true,
          semantic_snapshot_id: '5764607523034234881',
          records_written: 7,
          records_rejected: 1,
          undeclared_columns: ['payload_extra'],
        },
      ]),
    );

    // Assess
    await expect(result).resolves.toEqual([
      {
        topic: TOPIC,
        ok: true,
        result: { records_written: 7, records_rejected: 1, undeclared_columns: ['payload_extra'] },
      },
    ]);
    expect(run.Arguments).toMatchObject({ '--result_uri': 's3://artifacts/job-results/semantic' });
    expect(await batchOf(run.Arguments)).toEqual({
      job: 'semantic',
      topics: [{ topic: TOPIC, from_snapshot: CURATED_FROM.id, to_snapshot: CURATED_TO.id, schema }],
    });
  });

  it('retries StartJobRun with backoff while another run holds the job’s only slot (ConcurrentRunsExceededException)', async () => {
    // Prepare: another run of the job, still STARTING for half a second.
    const { glue, s3 } = await env.get();
    const jobName = await newJob('curation');
    const other = await glue.send(new StartJobRunCommand({ JobName: jobName }));
    const { runner, logger } = await newRunner(jobName, { startRetries: 50 });

    // Act
    const result = runner.runCurations([{ topic: TOPIC, from: null, to: RAW_TO }]);
    const run = await playGlueJob(glue, s3, jobName, (r) => curationDocument(r.Id), new Set([other.JobRunId ?? '']));

    // Assess
    await expect(result).resolves.toEqual([
      { topic: TOPIC, ok: true, result: { curated_snapshot: CURATED_TO, records_written: 40 } },
    ]);
    const retries = logger.lines.filter((l) => l.message === 'Glue StartJobRun failed; retrying');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((l) => l.fields.code === 'ConcurrentRunsExceededException')).toBe(true);
    expect(run.Id).not.toBe(other.JobRunId);
  });

  it('fails with JobFailedError once startRetries are spent and the slot is still taken', async () => {
    const { glue } = await env.get();
    const jobName = await newJob('curation');
    await glue.send(new StartJobRunCommand({ JobName: jobName }));
    const { runner, logger } = await newRunner(jobName, { startRetries: 2, pollIntervalMs: 5, maxPollIntervalMs: 10 });

    const act = runner.runCurations([{ topic: TOPIC, from: null, to: RAW_TO }]);

    await expect(act).rejects.toThrow(JobFailedError);
    await expect(act).rejects.toThrow(
      `job ${jobName} (topic ${TOPIC}): StartJobRun failed after 3 attempt(s): ConcurrentRunsExceededException`,
    );
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('stops waiting for the slot at once when the signal aborts, with no run to stop', async () => {
    // Prepare: the slot is taken; the signal aborts as the first retry is logged.
    const { glue } = await env.get();
    const jobName = await newJob('curation');
    const other = await glue.send(new StartJobRunCommand({ JobName: jobName }));
    const controller = new AbortController();
    const warnings: string[] = [];
    const { runner } = await newRunner(jobName, {
      pollIntervalMs: 10_000,
      maxPollIntervalMs: 10_000,
      logger: {
        warn: (fields) => {
          warnings.push(String(fields.code));
          controller.abort(new Error('shutting down'));
        },
      },
    });
    const started = Date.now();

    // Act
    const act = runner.runCurations([{ topic: TOPIC, from: null, to: RAW_TO }], controller.signal);

    // Assess
    await expect(act).rejects.toThrow(JobFailedError);
    await expect(act).rejects.toThrow(`job ${jobName} (topic ${TOPIC}): aborted before a run started: shutting down`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(warnings).toEqual(['ConcurrentRunsExceededException']);
    const { JobRuns = [] } = await glue.send(new GetJobRunsCommand({ JobName: jobName }));
    expect(JobRuns.map((r) => r.Id)).toEqual([other.JobRunId]);
  });

  it('does not retry a StartJobRun that cannot succeed (no such job)', async () => {
    const { runner, logger } = await newRunner('lean-ops-no-such-job');

    const act = runner.runCurations([{ topic: TOPIC, from: null, to: RAW_TO }]);

    await expect(act).rejects.toThrow(JobFailedError);
    await expect(act).rejects.toThrow(
      'job lean-ops-no-such-job (topic telemetry): StartJobRun failed after 1 attempt(s): EntityNotFoundException',
    );
    expect(logger.lines).toEqual([]);
  });

  it('fails with JobFailedError naming the run when the run SUCCEEDED but wrote no result document', async () => {
    const jobName = await newJob('curation');
    const { runner, logger } = await newRunner(jobName);

    const act = runner.runCurations([{ topic: TOPIC, from: null, to: RAW_TO }]);

    await expect(act).rejects.toThrow(JobFailedError);
    const runId = logger.lines.find((l) => l.message === 'Glue job run started')?.fields.runId;
    await expect(act).rejects.toThrow(
      `job ${jobName} run ${runId} (topic ${TOPIC}): SUCCEEDED but wrote no result document at s3://artifacts/job-results/curation/${runId}.json`,
    );
  });

  it('fails the topic with JobFailedError naming the field when its entry in the result document is malformed', async () => {
    const { glue, s3 } = await env.get();
    const jobName = await newJob('curation');
    const { runner } = await newRunner(jobName);

    const act = runner.runCurations([{ topic: TOPIC, from: null, to: RAW_TO }]);
    // A JSON number for the id: the 64-bit value would already be rounded.
    const run = await playGlueJob(glue, s3, jobName, (r) =>
      curationDocument(r.Id, { curated_snapshot_id: 8930417267512038000 }),
    );

    const [outcome] = await act;
    expect(outcome?.ok === false && outcome.error).toBeInstanceOf(JobFailedError);
    expect(outcome?.ok === false && outcome.error.message).toMatch(
      new RegExp(
        `run ${run.Id} .*topic ${TOPIC}: result document s3://artifacts/job-results/curation/${run.Id}\\.json is malformed: curated_snapshot_id: `,
      ),
    );
  });
});
