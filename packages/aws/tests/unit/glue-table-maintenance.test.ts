import { BatchStopJobRunCommand, GetJobRunCommand, GlueClient, StartJobRunCommand } from '@aws-sdk/client-glue';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigError, JobFailedError } from '@lean-ops/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { GlueTableMaintenance, type GlueTableMaintenanceOptions } from '../../src/index.js';
import { throttled } from '../helpers/aws-errors.js';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const glueClient = new GlueClient({ region: 'us-east-1', credentials });
const s3Client = new S3Client({ region: 'us-east-1', credentials });
const glue = mockClient(glueClient);
const s3 = mockClient(s3Client);
afterEach(() => {
  glue.reset();
  s3.reset();
});

const JOB = 'lean-ops-maintenance';
const NO_CHECKPOINTS = { curated: null, semantic: null };

const newMaintenance = (options: Partial<GlueTableMaintenanceOptions> = {}) =>
  new GlueTableMaintenance({
    glue: glueClient,
    s3: s3Client,
    jobName: JOB,
    resultsUri: 's3://artifacts/job-results',
    pollIntervalMs: 5,
    maxPollIntervalMs: 20,
    timeoutMs: 10_000,
    ...options,
  });

describe('Class: GlueTableMaintenance (aws-sdk-client-mock: moto cannot throttle nor stop runs)', () => {
  it('retries a throttled StartJobRun, then stops a run that outlasts timeoutMs and fails naming it', async () => {
    // Prepare
    glue.on(StartJobRunCommand).rejectsOnce(throttled()).resolves({ JobRunId: 'jr_m' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_m', JobRunState: 'RUNNING' } });
    glue.on(BatchStopJobRunCommand).resolves({});

    // Act
    const act = newMaintenance({ timeoutMs: 200 }).maintain('telemetry', NO_CHECKPOINTS);

    // Assess
    await expect(act).rejects.toThrow(JobFailedError);
    await expect(act).rejects.toThrow(
      `GlueTableMaintenance: job ${JOB} run jr_m (topic telemetry): timed out after 200 ms; run stopped`,
    );
    expect(glue.commandCalls(StartJobRunCommand)).toHaveLength(2);
    expect(glue.commandCalls(BatchStopJobRunCommand).map((c) => c.args[0].input)).toEqual([
      { JobName: JOB, JobRunIds: ['jr_m'] },
    ]);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toMatch(
      /^job-results\/maintenance\/requests\/[0-9a-f-]{36}\.json$/,
    );
  });

  it('fails a run that ends FAILED with Glue’s ErrorMessage and reads no result', async () => {
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_f' });
    glue.on(GetJobRunCommand).resolves({ JobRun: { Id: 'jr_f', JobRunState: 'FAILED', ErrorMessage: 'OOM' } });

    const act = newMaintenance().maintain('telemetry', NO_CHECKPOINTS, { dryRun: true });

    await expect(act).rejects.toThrow(`job ${JOB} run jr_f (topic telemetry): ended FAILED: OOM`);
    expect(glue.commandCalls(StartJobRunCommand)[0]?.args[0].input.Arguments?.['--dry_run']).toBe('true');
  });

  it('rejects bad options with a ConfigError naming each one', () => {
    const act = () => newMaintenance({ jobName: '', resultsUri: 'job-results', startRetries: 101 });

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      expect.objectContaining({
        issues: [
          'jobName: expected a non-empty string (got "")',
          'resultsUri: expected s3://bucket[/prefix] (got "job-results")',
          'startRetries: expected an integer 0–100 (got 101)',
        ],
      }),
    );
  });
});
