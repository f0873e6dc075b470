import { CreateJobCommand, GetJobRunsCommand, GlueClient, type JobRun } from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig, startMotoServer, type TestServer } from '@lean-ops/testkit';
import { type GlueJobKind, glueJobResultUri } from '../../src/index.js';
import { parseS3Uri } from '../../src/s3-location.js';

export interface MotoGlue {
  readonly moto: TestServer;
  readonly glue: GlueClient;
  readonly s3: S3Client;
}

/** A moto server with Glue and S3 clients on it, and `bucket` created. */
export async function startMotoGlue(bucket: string): Promise<MotoGlue> {
  const moto = await startMotoServer();
  const config = awsClientConfig(moto.endpoint);
  const glue = new GlueClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return { moto, glue, s3 };
}

export async function stopMotoGlue({ moto, glue, s3 }: MotoGlue): Promise<void> {
  glue.destroy();
  s3.destroy();
  await moto.stop();
}

/**
 * Sets how moto advances a model's states (its state manager's HTTP API), e.g.
 * `{ progression: 'time', seconds: 0.5 }`: a Glue run then moves STARTING → RUNNING →
 * SUCCEEDED one step per half second, as it is read. Applies to the whole moto server.
 */
export async function setMotoTransition(
  endpoint: string,
  modelName: string,
  transition: Record<string, unknown>,
): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: modelName, transition }),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`moto set-transition answered ${res.status}`);
}

/** A Glue job deployed as jobs/glue/README.md says, with `--result_uri <resultsUri>/<kind>`. */
export async function createGlueJob(
  glue: GlueClient,
  name: string,
  kind: GlueJobKind,
  resultsUri: string,
): Promise<void> {
  await glue.send(
    new CreateJobCommand({
      Name: name,
      Role: 'arn:aws:iam::123456789012:role/lean-ops-glue',
      Command: { Name: 'glueetl', ScriptLocation: `s3://artifacts/${kind}_job.py`, PythonVersion: '3' },
      GlueVersion: '5.1',
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      DefaultArguments: { '--datalake-formats': 'iceberg', '--result_uri': glueJobResultUri(resultsUri, kind) },
    }),
  );
}

/**
 * Plays the Glue job's part, which moto cannot: waits for a run of `jobName` not in `seen`,
 * then writes its result document to `<--result_uri>/<run id>.json` as
 * jobs/glue/lean_ops_jobs/results.py does. `document` gives the body (an object is written
 * as JSON). Returns the run as GetJobRuns showed it.
 */
export async function playGlueJob(
  glue: GlueClient,
  s3: S3Client,
  jobName: string,
  document: (run: JobRun) => unknown,
  seen: ReadonlySet<string> = new Set(),
): Promise<JobRun> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { JobRuns = [] } = await glue.send(new GetJobRunsCommand({ JobName: jobName }));
    const run = JobRuns.find((r) => r.Id !== undefined && !seen.has(r.Id));
    if (run !== undefined) {
      const location = parseS3Uri(`${run.Arguments?.['--result_uri']}/${run.Id}.json`);
      if (location === null) throw new Error(`run ${run.Id} has no S3 --result_uri`);
      const body = document(run);
      await s3.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          Body: typeof body === 'string' ? body : JSON.stringify(body),
          ContentType: 'application/json',
        }),
      );
      return run;
    }
    if (Date.now() > deadline) throw new Error(`no new run of ${jobName} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A logger that keeps what it is given. */
export function recordingLogger() {
  const lines: { level: 'info' | 'warn'; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    info: (fields: Record<string, unknown>, message: string) => lines.push({ level: 'info', fields, message }),
    warn: (fields: Record<string, unknown>, message: string) => lines.push({ level: 'warn', fields, message }),
  };
}
