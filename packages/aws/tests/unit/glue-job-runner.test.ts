import {
  BatchStopJobRunCommand,
  GetJobRunCommand,
  GlueClient,
  type JobRunState,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { ConfigError, JobFailedError, parseSemanticSchema } from '@lean-ops/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { GlueJobRunner, type GlueJobRunnerOptions, glueJobResultUri, glueRunArguments } from '../../src/index.js';
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
      const act = runner.runCuration(REQUEST);

      // Assess
      await expect(act).rejects.toThrow(JobFailedError);
      await expect(act).rejects.toThrow(
        `GlueJobRunner: job ${JOB} run jr_1 (topic telemetry): ended ${state}: AnalysisException: no such table`,
      );
      expect(glue.commandCalls(GetJobRunCommand)).toHaveLength(2);
      expect(stopCalls()).toEqual([]);
      expect(s3.calls()).toEqual([]);
    },
  );

  it('stops the run with BatchStopJobRun and fails saying so when it outlasts timeoutMs (aws-sdk-client-mock: moto lacks BatchStopJobRun)', async () => {
    // Prepare
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_1' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_1', JobRunState: 'RUNNING' } });
    glue.on(BatchStopJobRunCommand).resolves({ SuccessfulSubmissions: [{ JobName: JOB, JobRunId: 'jr_1' }] });
    const { runner } = newRunner({ timeoutMs: 200 });

    // Act
    const act = runner.runCuration(REQUEST);

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

    const act = runner.runCuration(REQUEST);

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
    const act = runner.runCuration(REQUEST, controller.signal);

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

    const act = runner.runCuration(REQUEST, AbortSignal.abort());

    await expect(act).rejects.toThrow(`job ${JOB} (topic telemetry): aborted before a run started`);
    expect(glue.calls()).toEqual([]);
  });

  it('retries a throttled or unavailable StartJobRun with backoff (aws-sdk-client-mock: moto cannot throttle)', async () => {
    // Prepare: the run then fails, which ends the test without a result document.
    glue.on(StartJobRunCommand).rejectsOnce(throttled()).rejectsOnce(unavailable()).resolves({ JobRunId: 'jr_3' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_3', JobRunState: 'FAILED', ErrorMessage: 'boom' } });
    const { runner, logger } = newRunner();

    // Act
    const act = runner.runCuration(REQUEST);

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

    const act = runner.runCuration(REQUEST);

    await expect(act).rejects.toThrow('run jr_4 (topic telemetry): ended ERROR: capacity');
    expect(glue.commandCalls(GetJobRunCommand)).toHaveLength(2);
    expect(logger.lines.some((l) => l.message === 'Glue GetJobRun failed; polling on')).toBe(true);
  });

  it('stops the run it can no longer follow when GetJobRun fails for good (aws-sdk-client-mock: moto cannot deny access)', async () => {
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_5' });
    glue.on(GetJobRunCommand).rejects(awsError('AccessDeniedException', 400));
    glue.on(BatchStopJobRunCommand).resolves({});
    const { runner } = newRunner();

    const act = runner.runCuration(REQUEST);

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

describe('Function: glueRunArguments', () => {
  it('omits --from_snapshot for a first run and adds --schema_json for the semantic job', () => {
    const schema = parseSemanticSchema({
      topic: 'telemetry',
      version: 1,
      columns: [{ name: 'payload_t', type: 'long' }],
    });

    expect(glueRunArguments(REQUEST)).toEqual({ '--topic': 'telemetry', '--to_snapshot': '9007199254740993' });
    expect(
      glueRunArguments({ topic: 'telemetry', from: { id: '1', sequence: 1 }, to: { id: '2', sequence: 2 }, schema }),
    ).toEqual({
      '--topic': 'telemetry',
      '--from_snapshot': '1',
      '--to_snapshot': '2',
      '--schema_json': JSON.stringify(schema),
    });
  });
});

describe('Function: glueJobResultUri', () => {
  it('appends the job kind to the results URI, ignoring a trailing slash', () => {
    expect(glueJobResultUri('s3://artifacts/job-results/', 'semantic')).toBe('s3://artifacts/job-results/semantic');
    expect(glueJobResultUri('s3://artifacts', 'curation')).toBe('s3://artifacts/curation');
  });
});
