import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../stacks/stage';
import { actionsOn, ofType, one, roleStatements } from './recorded';
import { ACCOUNT_ID, appRun, mockArn, REGION, ROOT } from './sst-harness';

const JOB = 'aws:glue/job:Job';
const TABLE = 'aws:dynamodb/table:Table';
const PERMISSIONS = 'aws:lakeformation/permissions:Permissions';
const KEY_ARN = mockArn('aws:kms/key:Key', 'StageKey');
const glueArn = (resource: string) => `arn:aws:glue:${REGION}:${ACCOUNT_ID}:${resource}`;

interface LifecycleRule {
  id: string;
  filter?: { prefix?: string };
  expiration?: { days: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

describe('S3 buckets', () => {
  it.each(['dev', 'prod'])(
    '%s: expire what is kept for a while, never the warehouse; abort stale uploads everywhere',
    async (stage) => {
      const { resources } = await appRun(stage);
      const days = stageConfig(stage).expirationDays;
      const rules = (bucket: string) =>
        one(resources, 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', `${bucket}Lifecycle`).inputs
          .rules as LifecycleRule[];
      const expiries = (bucket: string) =>
        rules(bucket)
          .filter((r) => r.expiration)
          .map((r) => [r.filter?.prefix, r.expiration?.days]);

      expect(ofType(resources, 'aws:s3/bucket:Bucket').map((b) => b.name)).toEqual([
        'WarehouseBucket',
        'ArtifactsBucket',
        'QuarantineBucket',
        'FirehoseErrorsBucket',
      ]);
      expect(expiries('Warehouse')).toEqual([]);
      expect(expiries('Artifacts')).toEqual([
        ['job-results/', days.jobResults],
        ['glue-temp/', 7],
      ]);
      expect(expiries('Quarantine')).toEqual([['quarantine/', days.quarantine]]);
      expect(expiries('FirehoseErrors')).toEqual([['', days.firehoseErrors]]);
      for (const bucket of ['Warehouse', 'Artifacts', 'Quarantine', 'FirehoseErrors']) {
        expect(rules(bucket)[0]).toMatchObject({ abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } });
      }
    },
  );

  it('encrypts with the stage key and an S3 bucket key', async () => {
    const config = one(
      (await appRun('prod')).resources,
      'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
      'QuarantineEncryption',
    );

    expect(config.inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN },
        bucketKeyEnabled: true,
      },
    ]);
  });
});

describe('Glue Data Catalog', () => {
  it('has a RAW, curated and semantic database, each located in its warehouse folder', async () => {
    const databases = ofType((await appRun('prod')).resources, 'aws:glue/catalogDatabase:CatalogDatabase');

    expect(databases.map((d) => [d.inputs.name, d.inputs.locationUri])).toEqual(
      ['raw', 'curated', 'semantic'].map((layer) => [
        `lean_ops_prod_${layer}`,
        `s3://warehousebucket-mock/warehouse/lean_ops_prod_${layer}.db`,
      ]),
    );
  });
});

describe('Glue jobs', () => {
  const README = readFileSync(join(ROOT, 'jobs', 'glue', 'README.md'), 'utf8');
  /** The `--conf` value jobs/glue/README.md documents, for this warehouse bucket. */
  const documentedConf = (bucket: string) =>
    (/^--conf\s+(.+)$/m.exec(README)?.[1] ?? 'missing from README').replace('s3://<lake>', `s3://${bucket}`);

  it.each(['dev', 'prod'])(
    '%s: bootstrap, curation and semantic on Glue 5.1 with the arguments jobs/glue/README.md lists',
    async (stage) => {
      const { resources } = await appRun(stage);
      const { glue } = stageConfig(stage);

      for (const kind of ['bootstrap', 'curation', 'semantic'] as const) {
        const job = one(resources, JOB, `${kind}Job`).inputs;

        expect(job).toMatchObject({
          name: `lean-ops-${stage}-${kind}`,
          glueVersion: '5.1',
          roleArn: mockArn('aws:iam/role:Role', `${kind}JobRole`),
          command: { name: 'glueetl', scriptLocation: `s3://artifactsbucket-mock/glue/${kind}_job.py` },
          workerType: glue.workerType,
          numberOfWorkers: kind === 'bootstrap' ? 2 : glue.workers,
          timeout: glue.timeoutMinutes[kind],
          maxRetries: 0,
          // The scheduler runs one run per topic at a time, topics in parallel.
          executionProperty: { maxConcurrentRuns: 2 },
          defaultArguments: {
            '--datalake-formats': 'iceberg',
            '--extra-py-files': 's3://artifactsbucket-mock/glue/lean_ops_jobs.zip',
            '--conf': documentedConf('warehousebucket-mock'),
            '--job-bookmark-option': 'job-bookmark-disable',
            '--raw_db': `lean_ops_${stage}_raw`,
            '--curated_db': `lean_ops_${stage}_curated`,
            '--semantic_db': `lean_ops_${stage}_semantic`,
            '--result_uri': `s3://artifactsbucket-mock/job-results/${kind}`,
          },
        });
      }
    },
  );

  it.each(['dev', 'prod'])(
    '%s: maintenance on Glue 5.1 with the stage’s policy as arguments, on every layer’s tables',
    async (stage) => {
      const { resources } = await appRun(stage);
      const { glue, maintenance } = stageConfig(stage);
      const job = one(resources, JOB, 'maintenanceJob').inputs;

      expect(job).toMatchObject({
        name: `lean-ops-${stage}-maintenance`,
        glueVersion: '5.1',
        roleArn: mockArn('aws:iam/role:Role', 'maintenanceJobRole'),
        command: { name: 'glueetl', scriptLocation: 's3://artifactsbucket-mock/glue/maintenance_job.py' },
        workerType: glue.workerType,
        numberOfWorkers: maintenance.workers,
        timeout: glue.timeoutMinutes.maintenance,
        executionClass: glue.executionClass,
        maxRetries: 0,
        defaultArguments: {
          '--raw_db': `lean_ops_${stage}_raw`,
          '--curated_db': `lean_ops_${stage}_curated`,
          '--semantic_db': `lean_ops_${stage}_semantic`,
          '--result_uri': 's3://artifactsbucket-mock/job-results/maintenance',
          '--retention_seconds': String(maintenance.retentionSeconds),
          '--orphan_older_than_seconds': String(maintenance.orphanOlderThanSeconds),
          '--retain_last': String(maintenance.retainLast),
          '--small_file_bytes': String(maintenance.smallFileBytes),
          '--target_file_bytes': String(maintenance.targetFileBytes),
          '--min_input_files': String(maintenance.minInputFiles),
          '--delete_file_threshold': String(maintenance.deleteFileThreshold),
        },
      });
      expect(maintenance.orphanOlderThanSeconds).toBeGreaterThanOrEqual(86_400);

      // Compaction, expiry and orphan removal delete files in every layer; it reads its own batches.
      const role = roleStatements(resources, 'maintenanceJobRole');
      const warehouse = (db: string) => `${mockArn('aws:s3/bucket:Bucket', 'WarehouseBucket')}/warehouse/${db}.db/*`;
      for (const layer of ['raw', 'curated', 'semantic']) {
        expect(actionsOn(role, warehouse(`lean_ops_${stage}_${layer}`))).toEqual([
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
        ]);
        expect(actionsOn(role, glueArn(`table/lean_ops_${stage}_${layer}/*`))).toContain('glue:UpdateTable');
      }
      const artifacts = mockArn('aws:s3/bucket:Bucket', 'ArtifactsBucket');
      expect(actionsOn(role, `${artifacts}/job-results/maintenance/requests/*`)).toEqual(['s3:GetObject']);
      expect(actionsOn(role, `${artifacts}/job-results/maintenance/*`)).toEqual(['s3:PutObject']);
      expect(actionsOn(role, `${artifacts}/job-results/curation/requests/*`)).toEqual([]);
    },
  );

  it('uploads the library and the four entry points that jobs/glue/package.py builds', async () => {
    const uploads = ofType((await appRun('prod')).resources, 'aws:s3/bucketObjectv2:BucketObjectv2');

    expect(uploads.map((u) => u.inputs.key).sort()).toEqual([
      'glue/bootstrap_job.py',
      'glue/curation_job.py',
      'glue/lean_ops_jobs.zip',
      'glue/maintenance_job.py',
      'glue/semantic_job.py',
    ]);
    for (const upload of uploads) expect(upload.inputs.bucket).toBe('ArtifactsBucket-id');
  });

  it('allows as many concurrent runs as topics (the tuned config has one)', async () => {
    const job = one((await appRun('prod', 'tests/infra/fixtures/tuned.config.json')).resources, JOB, 'curationJob');

    expect(job.inputs.executionProperty).toEqual({ maxConcurrentRuns: 1 });
  });

  it('lets curation read RAW and write curated only, and semantic never touch RAW', async () => {
    const { resources } = await appRun('prod');
    const warehouse = (db: string) => `${mockArn('aws:s3/bucket:Bucket', 'WarehouseBucket')}/warehouse/${db}.db/*`;
    const curation = roleStatements(resources, 'curationJobRole');
    const semantic = roleStatements(resources, 'semanticJobRole');

    expect(actionsOn(curation, warehouse('lean_ops_prod_raw'))).toEqual(['s3:GetObject']);
    expect(actionsOn(curation, warehouse('lean_ops_prod_curated'))).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
    ]);
    expect(actionsOn(curation, glueArn('table/lean_ops_prod_raw/*'))).toEqual([
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:GetTables',
    ]);
    expect(actionsOn(curation, warehouse('lean_ops_prod_semantic'))).toEqual([]);
    // Each job reads the batch documents of its own kind only; bootstrap reads none.
    const batches = (kind: string) =>
      `${mockArn('aws:s3/bucket:Bucket', 'ArtifactsBucket')}/job-results/${kind}/requests/*`;
    expect(actionsOn(curation, batches('curation'))).toEqual(['s3:GetObject']);
    expect(actionsOn(semantic, batches('semantic'))).toEqual(['s3:GetObject']);
    expect(actionsOn(curation, batches('semantic'))).toEqual([]);
    expect(JSON.stringify(roleStatements(resources, 'bootstrapJobRole'))).not.toContain('/requests/');
    expect(JSON.stringify(semantic)).not.toContain('lean_ops_prod_raw');
    expect(
      actionsOn(roleStatements(resources, 'bootstrapJobRole'), glueArn('database/lean_ops_prod_semantic')),
    ).toContain('glue:CreateTable');
  });

  it('grants Lake Formation permissions to every job role and delivery stream role', async () => {
    const { resources } = await appRun('prod');
    const grant = (name: string) => one(resources, PERMISSIONS, name).inputs;
    const role = (name: string) => mockArn('aws:iam/role:Role', name);

    expect(grant('curationJobRole-raw-tables')).toEqual({
      principal: role('curationJobRole'),
      permissions: ['SELECT', 'DESCRIBE'],
      table: { databaseName: 'lean_ops_prod_raw', wildcard: true },
    });
    expect(grant('curationJobRole-curated-tables').permissions).toEqual([
      'SELECT',
      'INSERT',
      'DELETE',
      'ALTER',
      'DESCRIBE',
    ]);
    expect(grant('semanticJobRole-semantic-tables').principal).toBe(role('semanticJobRole'));
    expect(grant('bootstrapJobRole-raw-database').permissions).toEqual(['CREATE_TABLE', 'DESCRIBE']);
    expect(grant('firehose-telemetry-role-raw-tables').permissions).toEqual(['SELECT', 'INSERT', 'ALTER', 'DESCRIBE']);
    expect(grant('SchedulerTaskRole-raw-tables').permissions).toEqual(['DESCRIBE']);
    expect(ofType(resources, PERMISSIONS).map((p) => p.name)).not.toContain('semanticJobRole-raw-tables');
  });
});

describe('DynamoDB state tables', () => {
  it.each(['dev', 'prod'])('%s: checkpoints, schemas and drift_log with exactly the agreed keys', async (stage) => {
    const { resources } = await appRun(stage);
    const { pointInTimeRecovery, deletionProtection } = stageConfig(stage);
    const keys = (name: string) => {
      const { inputs } = one(resources, TABLE, name);
      return [inputs.name, inputs.hashKey, inputs.rangeKey, inputs.attributes];
    };

    expect(keys('checkpointsTable')).toEqual([
      `lean-ops-${stage}-checkpoints`,
      'topic',
      undefined,
      [{ name: 'topic', type: 'S' }],
    ]);
    expect(keys('schemasTable')).toEqual([
      `lean-ops-${stage}-schemas`,
      'topic',
      'version',
      [
        { name: 'topic', type: 'S' },
        { name: 'version', type: 'N' },
      ],
    ]);
    expect(keys('driftLogTable')).toEqual([
      `lean-ops-${stage}-drift_log`,
      'topic',
      'column',
      [
        { name: 'topic', type: 'S' },
        { name: 'column', type: 'S' },
      ],
    ]);
    expect(one(resources, TABLE, 'driftLogTable').inputs).toMatchObject({
      streamEnabled: true,
      streamViewType: 'NEW_IMAGE',
    });
    for (const table of ofType(resources, TABLE)) {
      expect(table.inputs, table.name).toMatchObject({
        billingMode: 'PAY_PER_REQUEST',
        serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
        pointInTimeRecovery: { enabled: pointInTimeRecovery },
        deletionProtectionEnabled: deletionProtection,
      });
    }
  });
});
