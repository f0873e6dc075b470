import {
  BatchStopJobRunCommand,
  GetJobRunCommand,
  GlueClient,
  type JobRunState,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigError, JobFailedError, parseSemanticSchema } from '@lean-ops/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { GlueJobRunner, type GlueJobRunnerOptions, glueBatchDocument, glueJobResultUri } from '../../src/index.js';
import { awsError, throttled, unavailable } from '../helpers/aws-errors.js';
import { recordingLogger } from '../helpers/glue.js';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const glueClient = new GlueClient({ region: 'us-east-1', credentials });
const s3Client = new S3Client({ region: 'us-east-1', credentials });
const glue = mockClient(glueClient);
const s3 = mockClient(s3Client);
afterEach(() => {
  glue.reset();
  s3.reset();
});

const JOB = 'lean-ops-curation';
const REQUEST = { topic: 'telemetry', from: null, to: { id: '9007199254740993', sequence: 12 } };

function newRunner(options: Partial<GlueJobRunnerOptions> = {}) {
  const logger = recordingLogger();
  const runner = new GlueJobRunner({
    glue: glueClient,
    s3: s3Client,
    curationJobName: JOB,
    semanticJobName: 'lean-ops-semantic',
    resultsUri: 's3://artifacts/job-results',
    pollIntervalMs: 5,
    maxPollIntervalMs: 20,
    timeoutMs: 10_000,
    logger,
    ...options,
  });
  return { runner, logger };
}

const stopCalls = () => glue.commandCalls(BatchStopJobRunCommand).map((c) => c.args[0].input);

describe('Class: GlueJobRunner', () => {
  it.each<JobRunState>(['FAILED', 'TIMEOUT', 'ERROR', 'STOPPED', 'EXPIRED'])(
    'fails a run that ends %s with JobFailedError carrying Glue’s ErrorMessage, the job, run id and state (aws-sdk-client-mock: moto’s runs only succeed)',
    async (state) => {
      // Prepare
      glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_1' });
      glue
        .on(GetJobRunCommand)
        .resolvesOnce({ JobRun: { Id: 'jr_1', JobRunState: 'RUNNING' } })
        .resolves({ JobRun: { Id: 'jr_1', JobRunState: state, ErrorMessage: 'AnalysisException: no such table' } });
      const { runner } = newRunner();

      // Act
      const act = runner.runCurations([REQUEST]);

      // Assess
      await expect(act).rejects.toThrow(JobFailedError);
      await expect(act).rejects.toThrow(
        `GlueJobRunner: job ${JOB} run jr_1 (topic telemetry): ended ${state}: AnalysisException: no such table`,
      );
      expect(glue.commandCalls(GetJobRunCommand)).toHaveLength(2);
      expect(stopCalls()).toEqual([]);
      expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
    },
  );

  it('stops the run with BatchStopJobRun and fails saying so when it outlasts timeoutMs (aws-sdk-client-mock: moto lacks BatchStopJobRun)', async () => {
    // Prepare
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_1' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_1', JobRunState: 'RUNNING' } });
    glue.on(BatchStopJobRunCommand).resolves({ SuccessfulSubmissions: [{ JobName: JOB, JobRunId: 'jr_1' }] });
    const { runner } = newRunner({ timeoutMs: 200 });

    // Act
    const act = runner.runCurations([REQUEST]);

    // Assess
    await expect(act).rejects.toThrow(JobFailedError);
    await expect(act).rejects.toThrow(`job ${JOB} run jr_1 (topic telemetry): timed out after 200 ms; run stopped`);
    expect(stopCalls()).toEqual([{ JobName: JOB, JobRunIds: ['jr_1'] }]);
  });

  it('keeps the timeout error and logs it when BatchStopJobRun fails (aws-sdk-client-mock: moto lacks BatchStopJobRun)', async () => {
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_1' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_1', JobRunState: 'RUNNING' } });
    glue.on(BatchStopJobRunCommand).rejects(awsError('AccessDeniedException', 400));
    const { runner, logger } = newRunner({ timeoutMs: 100 });

    const act = runner.runCurations([REQUEST]);

    await expect(act).rejects.toThrow('timed out after 100 ms; run stopped');
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({
        fields: expect.objectContaining({ runId: 'jr_1', code: 'AccessDeniedException' }),
        message: expect.stringContaining('BatchStopJobRun failed'),
      }),
    ]);
  });

  it('stops the run and rejects when the signal aborts while it runs (aws-sdk-client-mock: moto lacks BatchStopJobRun)', async () => {
    // Prepare
    const controller = new AbortController();
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_7' });
    let polls = 0;
    glue.on(GetJobRunCommand).callsFake(() => {
      if (++polls === 2) controller.abort(new Error('scheduler shutting down'));
      return { JobRun: { Id: 'jr_7', JobRunState: 'RUNNING' } };
    });
    glue.on(BatchStopJobRunCommand).resolves({});
    const { runner } = newRunner({ pollIntervalMs: 20, maxPollIntervalMs: 20 });

    // Act
    const act = runner.runCurations([REQUEST], controller.signal);

    // Assess
    await expect(act).rejects.toThrow(JobFailedError);
    await expect(act).rejects.toThrow(
      `job ${JOB} run jr_7 (topic telemetry): aborted; run stopped: scheduler shutting down`,
    );
    expect(polls).toBe(2);
    expect(stopCalls()).toEqual([{ JobName: JOB, JobRunIds: ['jr_7'] }]);
  });

  it('starts no run when the signal is already aborted', async () => {
    const { runner } = newRunner();

    const act = runner.runCurations([REQUEST], AbortSignal.abort());

    await expect(act).rejects.toThrow(`job ${JOB} (topic telemetry): aborted before a run started`);
    expect(glue.calls()).toEqual([]);
  });

  it('retries a throttled or unavailable StartJobRun with backoff (aws-sdk-client-mock: moto cannot throttle)', async () => {
    // Prepare: the run then fails, which ends the test without a result document.
    glue.on(StartJobRunCommand).rejectsOnce(throttled()).rejectsOnce(unavailable()).resolves({ JobRunId: 'jr_3' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_3', JobRunState: 'FAILED', ErrorMessage: 'boom' } });
    const { runner, logger } = newRunner();

    // Act
    const act = runner.runCurations([REQUEST]);

    // Assess
    await expect(act).rejects.toThrow('run jr_3 (topic telemetry): ended FAILED: boom');
    expect(glue.commandCalls(StartJobRunCommand)).toHaveLength(3);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields.code)).toEqual([
      'ThrottlingException',
      'ServiceUnavailableException',
    ]);
  });

  it('polls on through a throttled GetJobRun (aws-sdk-client-mock: moto cannot throttle)', async () => {
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_4' });
    glue
      .on(GetJobRunCommand)
      .rejectsOnce(throttled())
      .resolves({ JobRun: { Id: 'jr_4', JobRunState: 'ERROR', ErrorMessage: 'capacity' } });
    const { runner, logger } = newRunner();

    const act = runner.runCurations([REQUEST]);

    await expect(act).rejects.toThrow('run jr_4 (topic telemetry): ended ERROR: capacity');
    expect(glue.commandCalls(GetJobRunCommand)).toHaveLength(2);
    expect(logger.lines.some((l) => l.message === 'Glue GetJobRun failed; polling on')).toBe(true);
  });

  it('stops the run it can no longer follow when GetJobRun fails for good (aws-sdk-client-mock: moto cannot deny access)', async () => {
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_5' });
    glue.on(GetJobRunCommand).rejects(awsError('AccessDeniedException', 400));
    glue.on(BatchStopJobRunCommand).resolves({});
    const { runner } = newRunner();

    const act = runner.runCurations([REQUEST]);

    await expect(act).rejects.toThrow(
      `job ${JOB} run jr_5 (topic telemetry): GetJobRun failed: AccessDeniedException: AccessDeniedException (simulated); run stopped`,
    );
    expect(glue.commandCalls(GetJobRunCommand)).toHaveLength(1);
    expect(stopCalls()).toEqual([{ JobName: JOB, JobRunIds: ['jr_5'] }]);
  });

  it('rejects bad options with a ConfigError naming each one', () => {
    const act = () =>
      newRunner({
        resultsUri: 'artifacts/job-results',
        curationJobName: '',
        pollIntervalMs: 500,
        maxPollIntervalMs: 100,
        startRetries: -1,
        timeoutMs: 0,
      });

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      expect.objectContaining({
        issues: [
          'curationJobName: expected a non-empty string (got "")',
          'resultsUri: expected s3://bucket[/prefix] (got "artifacts/job-results")',
          'timeoutMs: expected an integer 1–9007199254740991 (got 0)',
          'startRetries: expected an integer 0–100 (got -1)',
          'maxPollIntervalMs: must be ≥ pollIntervalMs (got 100 < 500)',
        ],
      }),
    );
  });
});

describe('Function: glueBatchDocument', () => {
  it('gives each topic its range (from null for a first run) and, for the semantic job, its schema', () => {
    const schema = parseSemanticSchema({
      topic: 'telemetry',
      version: 1,
      columns: [{ name: 'payload_t', type: 'long' }],
    });

    expect(glueBatchDocument('curation', [REQUEST])).toEqual({
      job: 'curation',
      topics: [{ topic: 'telemetry', from_snapshot: null, to_snapshot: '9007199254740993' }],
    });
    expect(
      glueBatchDocument('semantic', [
        { topic: 'telemetry', from: { id: '1', sequence: 1 }, to: { id: '2', sequence: 2 }, schema },
      ]),
    ).toEqual({ job: 'semantic', topics: [{ topic: 'telemetry', from_snapshot: '1', to_snapshot: '2', schema }] });
  });

  it('writes rebuild: true for the requests that rebuild, and no rebuild field for the others', () => {
    const document = glueBatchDocument('curation', [
      { ...REQUEST, rebuild: true },
      { ...REQUEST, topic: 'other', rebuild: false },
      { ...REQUEST, topic: 'plain' },
    ]);

    expect(document.topics).toEqual([
      { topic: 'telemetry', from_snapshot: null, to_snapshot: '9007199254740993', rebuild: true },
      { topic: 'other', from_snapshot: null, to_snapshot: '9007199254740993' },
      { topic: 'plain', from_snapshot: null, to_snapshot: '9007199254740993' },
    ]);
    expect(document.topics.map((t) => 'rebuild' in t)).toEqual([true, false, false]);
  });
});

/** Glue's cap on a run's arguments, all together ("Job arguments have a maximum size limit of 260 KB", AWS Glue developer guide, job parameters); botocore's model declares none. */
const GLUE_ARGUMENTS_MAX_BYTES = 260 * 1024;

describe('Guardrail: StartJobRun arguments stay within Glue’s 260 KB limit', () => {
  it('sends a 20-topic semantic batch with wide schemas through S3 (aws-sdk-client-mock: the run then fails, ending the test)', async () => {
    // Prepare: 20 topics, each schema 200 columns of 128-character names: far beyond the limit inline.
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_big' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_big', JobRunState: 'FAILED', ErrorMessage: 'stop here' } });
    const requests = Array.from({ length: 20 }, (_, t) => ({
      topic: `topic_${t}`,
      from: { id: '1', sequence: 1 },
      to: { id: '2', sequence: 2 },
      schema: parseSemanticSchema({
        topic: `topic_${t}`,
        version: 1,
        columns: Array.from({ length: 200 }, (_, c) => ({ name: `c${c}_`.padEnd(128, 'x'), type: 'double' })),
      }),
    }));
    const { runner } = newRunner();

    // Act
    await expect(runner.runSemantics(requests)).rejects.toThrow('ended FAILED: stop here');

    // Assess
    const args = glue.commandCalls(StartJobRunCommand)[0]?.args[0].input.Arguments ?? {};
    const argBytes = Object.entries(args).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    expect(Object.keys(args)).toEqual(['--batch_uri']);
    expect(argBytes).toBeLessThan(1024);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(args['--batch_uri']).toBe(`s3://${put?.Bucket}/${put?.Key}`);
    expect(put?.Key).toMatch(/^job-results\/semantic\/requests\/[0-9a-f-]{36}\.json$/);
    expect(Buffer.byteLength(String(put?.Body))).toBeGreaterThan(GLUE_ARGUMENTS_MAX_BYTES);
    expect(JSON.parse(String(put?.Body))).toEqual(glueBatchDocument('semantic', requests));
  });
});

describe('Class: GlueJobRunner, one run for a batch', () => {
  it('maps the result document back to one outcome per topic: a topic the job failed fails alone (aws-sdk-client-mock)', async () => {
    // Prepare
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_9' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_9', JobRunState: 'SUCCEEDED' } });
    const document = {
      job: 'curation',
      job_run_id: 'jr_9',
      topics: [
        { topic: 'b', ok: false, error: 'JobFailedError: curation of b (start → 7) failed: no such table' },
        { topic: 'a', ok: true, curated_snapshot_id: '11', curated_snapshot_sequence: 3, records_written: 5 },
      ],
    };
    // The one part of the body the runner reads.
    const body = { transformToByteArray: async () => new TextEncoder().encode(JSON.stringify(document)) };
    s3.on(GetObjectCommand).resolves({ Body: body as never });
    const { runner } = newRunner();
    const to = { id: '7', sequence: 7 };

    // Act
    const outcomes = await runner.runCurations([
      { topic: 'a', from: null, to },
      { topic: 'b', from: null, to },
      { topic: 'c', from: null, to },
    ]);

    // Assess
    expect(outcomes.map((o) => [o.topic, o.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
    ]);
    expect(outcomes[0]).toEqual({
      topic: 'a',
      ok: true,
      result: { curated_snapshot: { id: '11', sequence: 3 }, records_written: 5 },
    });
    expect(outcomes[1]?.ok === false && outcomes[1].error).toMatchObject({
      name: 'JobFailedError',
      message: `GlueJobRunner: job ${JOB} run jr_9 (topics a, b, c): topic b: JobFailedError: curation of b (start → 7) failed: no such table`,
    });
    expect(outcomes[2]?.ok === false && outcomes[2].error.message).toBe(
      `GlueJobRunner: job ${JOB} run jr_9 (topics a, b, c): topic c: result document s3://artifacts/job-results/curation/jr_9.json has no outcome for it`,
    );
    expect(glue.commandCalls(StartJobRunCommand)).toHaveLength(1);
  });

  it('starts nothing for an empty batch', async () => {
    const { runner } = newRunner();

    await expect(runner.runCurations([])).resolves.toEqual([]);
    expect(glue.calls()).toEqual([]);
    expect(s3.calls()).toEqual([]);
  });
});

describe('Function: glueJobResultUri', () => {
  it('appends the job kind to the results URI, ignoring a trailing slash', () => {
    expect(glueJobResultUri('s3://artifacts/job-results/', 'semantic')).toBe('s3://artifacts/job-results/semantic');
    expect(glueJobResultUri('s3://artifacts', 'curation')).toBe('s3://artifacts/curation');
  });
});
