import { CreateJobCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { JobFailedError, TABLE_HEALTH_FIGURES } from '@lean-ops/core';
import { afterAll, describe, expect, it } from 'vitest';
import { GlueTableMaintenance } from '../../src/index.js';
import { playGlueJob, setMotoTransition, startMotoGlue, stopMotoGlue } from '../helpers/glue.js';
import { sharedSetup } from '../helpers/shared-setup.js';

const RESULTS_URI = 's3://artifacts/job-results';
const TOPIC = 'telemetry';
// Above 2^53: a JSON number would change these ids.
const RAW_CP = { id: '9007199254740993', sequence: 12 };
const CURATED_CP = { id: '4611686018427387905', sequence: 4 };

const env = sharedSetup(async () => {
  const context = await startMotoGlue('artifacts');
  await setMotoTransition(context.moto.endpoint, 'glue::job_run', { progression: 'time', seconds: 0.5 });
  return context;
}, stopMotoGlue);
afterAll(() => env.dispose());

let jobs = 0;
/** A maintenance job deployed as jobs/glue/maintenance_job.py says. */
async function newMaintenance() {
  const { glue, s3 } = await env.get();
  const jobName = `lean-ops-maintenance-${++jobs}`;
  await glue.send(
    new CreateJobCommand({
      Name: jobName,
      Role: 'arn:aws:iam::123456789012:role/lean-ops-glue',
      Command: { Name: 'glueetl', ScriptLocation: 's3://artifacts/maintenance_job.py', PythonVersion: '3' },
      GlueVersion: '5.1',
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      DefaultArguments: { '--datalake-formats': 'iceberg', '--result_uri': `${RESULTS_URI}/maintenance` },
    }),
  );
  const maintenance = new GlueTableMaintenance({
    glue,
    s3,
    jobName,
    resultsUri: RESULTS_URI,
    pollIntervalMs: 50,
    maxPollIntervalMs: 200,
    timeoutMs: 30_000,
  });
  return { glue, s3, jobName, maintenance };
}

const figures = (n: number) => Object.fromEntries(TABLE_HEALTH_FIGURES.map((f) => [f, n]));

/** A result document as maintenance_job.py writes it (through batch.py's finish_batch). */
const resultDocument = (runId: string | undefined, tables: Record<string, unknown>[]) => ({
  finished_at: '2024-03-01T12:00:00.000000Z',
  job: 'maintenance',
  job_run_id: runId,
  topics: [{ topic: TOPIC, ok: true, tables }],
});

describe('Class: GlueTableMaintenance (moto Glue + S3)', () => {
  it('starts the maintenance job with the checkpoints’ snapshot ids and maps the result per table', async () => {
    // Prepare
    const { glue, s3, jobName, maintenance } = await newMaintenance();

    // Act
    const result = maintenance.maintain(TOPIC, { curated: RAW_CP, semantic: CURATED_CP });
    const run = await playGlueJob(glue, s3, jobName, (r) =>
      resultDocument(r.Id, [
        {
          layer: 'raw',
          table: 'raw.telemetry_staging',
          status: 'done',
          actions: { rewrite_data_files: { rewritten_data_files_count: 8 } },
          health_before: figures(8),
          health_after: figures(1),
        },
        {
          layer: 'curated',
          table: 'curated.telemetry',
          status: 'retry_later',
          actions: {},
          health_before: figures(3),
          health_after: figures(3),
          error: 'org.apache.iceberg.exceptions.ValidationException: found new position delete',
        },
        { layer: 'semantic', table: 'semantic.telemetry', status: 'skipped', actions: {} },
      ]),
    );

    // Assess
    const outcomes = await result;
    expect(outcomes.map((o) => [o.layer, o.status])).toEqual([
      ['raw', 'done'],
      ['curated', 'retry_later'],
      ['semantic', 'skipped'],
    ]);
    expect(outcomes[0]?.before?.data_files).toBe(8);
    expect(outcomes[0]?.after?.data_files).toBe(1);
    expect(outcomes[1]?.error).toMatch(/ValidationException/);
    expect(outcomes[2]?.before).toBeNull();
    expect(run.Arguments?.['--dry_run']).toBeUndefined();
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(run.Arguments?.['--batch_uri'] ?? '');
    expect(match?.[2]).toMatch(/^job-results\/maintenance\/requests\/[0-9a-f-]{36}\.json$/);
    const batch = await s3.send(new GetObjectCommand({ Bucket: match?.[1], Key: match?.[2] }));
    expect(JSON.parse((await batch.Body?.transformToString()) ?? 'null')).toEqual({
      job: 'maintenance',
      topics: [{ topic: TOPIC, raw_checkpoint: RAW_CP.id, curated_checkpoint: CURATED_CP.id }],
    });
  });

  it('health is a dry run whose figures are each table’s; a failed topic fails with its error', async () => {
    const { glue, s3, jobName, maintenance } = await newMaintenance();
    const health = maintenance.health(TOPIC);
    const run = await playGlueJob(glue, s3, jobName, (r) =>
      resultDocument(r.Id, [
        { layer: 'raw', table: 'raw.telemetry_staging', status: 'dry_run', actions: {}, health_before: figures(2) },
      ]),
    );
    expect(run.Arguments?.['--dry_run']).toBe('true');
    expect(await health).toEqual([{ topic: TOPIC, layer: 'raw', table: 'raw.telemetry_staging', figures: figures(2) }]);

    const failing = maintenance.maintain(TOPIC, { curated: null, semantic: null });
    await playGlueJob(
      glue,
      s3,
      jobName,
      (r) => ({
        job: 'maintenance',
        job_run_id: r.Id,
        topics: [{ topic: TOPIC, ok: false, error: 'RuntimeError: boom' }],
      }),
      new Set([run.Id as string]),
    );
    const err = await failing.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(JobFailedError);
    expect((err as Error).message).toMatch(/maintenance of telemetry failed: RuntimeError: boom/);
  });
});
