/**
 * The four Glue jobs (jobs/glue/README.md): bootstrap (a topic's tables, once per topic),
 * curation (RAW → curated MERGE), semantic (curated → semantic MERGE) and maintenance
 * (compaction, checkpoint-aware expiry, orphans of every layer; docs/maintenance.md). Glue 5.1, Iceberg
 * through the Glue catalog, bookmarks off (the scheduler passes snapshot ranges), no Glue
 * retries (the scheduler retries; every step is idempotent), one role per job.
 *
 * Bootstrap runs once per topic, topics in parallel. Curation and semantic run one batch of
 * every topic with work at a time (docs/scheduler.md); after a scheduler restart a batch
 * started before it may still be running next to the new one. Every job allows as many
 * concurrent runs as there are topics: a bound that never refuses those cases.
 *
 * Curation, semantic and maintenance run in the stage's execution class (`FLEX` off prod: Glue ≥ 3.0 and
 * G.1X/G.2X workers, which the stage's types are); bootstrap always standard.
 *
 * Logs: Glue 5.x always logs in real time (`--enable-continuous-cloudwatch-log` is a Glue ≤ 4
 * option). `--custom-logGroup-prefix` moves the shared `/aws-glue/jobs/{error,output}` groups to
 * the stage's `/aws-glue/<app>-<stage>/{error,output}`, created here with the stage's retention.
 */
import { JOB_BATCH_FOLDER } from '@lean-ops/core';
import type { Account } from './account';
import { ARTIFACTS, type Buckets } from './buckets';
import { type Catalog, databasePath, type LakeContext, WAREHOUSE_PREFIX } from './catalog';
import { GLUE_ENTRY_POINTS, GLUE_LIBRARY, type GlueArtifacts } from './glue-artifacts';
import { keyUse, type Statement, serviceRole } from './iam';
import { grantLakeFormation, type LakeGrant } from './lake-formation';
import type { GlueJobKind, LakeLayer, StageNames } from './names';
import type { StageConfig } from './stage';

/** AWS Glue 5.1: Spark 3.5.6, Python 3.11, Iceberg 1.10.0 (what tests/spark runs). */
export const GLUE_VERSION = '5.1';

/** `/aws-glue/<app>-<stage>`: Glue 5.x writes `<this>/error` and `<this>/output`. */
export function glueLogGroupPrefix(stagePrefix: string): string {
  return `/aws-glue/${stagePrefix}`;
}

/** The log groups Glue 5.x writes under a custom prefix (system/Spark logs, and stdout/stderr). */
export const GLUE_LOG_STREAMS = ['error', 'output'] as const;

/** Glue's smallest Spark job; bootstrap only runs DDL. */
const BOOTSTRAP_WORKERS = 2;

/** What each job reads and writes in the lake. */
const LAYER_ACCESS: Readonly<Record<GlueJobKind, { read: readonly LakeLayer[]; write: readonly LakeLayer[] }>> = {
  bootstrap: { read: [], write: ['raw', 'curated', 'semantic'] },
  curation: { read: ['raw'], write: ['curated'] },
  semantic: { read: ['curated'], write: ['semantic'] },
  // Compaction rewrites, expiry and orphan removal delete files in every layer's tables.
  maintenance: { read: [], write: ['raw', 'curated', 'semantic'] },
};

/** The stage's maintenance policy as the maintenance job's arguments (jobs/glue/maintenance_job.py). */
export function maintenanceArguments(stage: StageConfig): Record<string, string> {
  const m = stage.maintenance;
  return {
    '--retention_seconds': String(m.retentionSeconds),
    '--orphan_older_than_seconds': String(m.orphanOlderThanSeconds),
    '--retain_last': String(m.retainLast),
    '--small_file_bytes': String(m.smallFileBytes),
    '--target_file_bytes': String(m.targetFileBytes),
    '--min_input_files': String(m.minInputFiles),
    '--delete_file_threshold': String(m.deleteFileThreshold),
  };
}

/** The Iceberg catalog `glue_catalog` (the jobs' default `--catalog`) on the Glue Data Catalog. */
export function icebergConf(warehouseBucket: string): string {
  return [
    'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    'spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog',
    'spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog',
    'spark.sql.catalog.glue_catalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO',
    `spark.sql.catalog.glue_catalog.warehouse=s3://${warehouseBucket}/${WAREHOUSE_PREFIX}/`,
  ].join(' --conf ');
}

function jobStatements(
  kind: GlueJobKind,
  args: { account: Account; names: StageNames; buckets: Buckets; catalog: Catalog; keyArn: $util.Input<string> },
): Statement[] {
  const { account, names, buckets, catalog } = args;
  const { read, write } = LAYER_ACCESS[kind];
  const dbs = (layers: readonly LakeLayer[]) => layers.map((layer) => names.databases[layer]);
  const catalogObjects = (layers: readonly LakeLayer[]) => [
    catalog.catalogArn,
    ...dbs(layers).flatMap((db) => [catalog.databaseArn(db), catalog.tableArn(db, '*')]),
  ];
  const dataObjects = (layers: readonly LakeLayer[]) =>
    dbs(layers).map((db) => $interpolate`${buckets.warehouse.arn}/${databasePath(db)}/*`);
  const statements: Statement[] = [
    {
      sid: 'ReadJobCode',
      actions: ['s3:GetObject'],
      resources: [$interpolate`${buckets.artifacts.arn}/${ARTIFACTS.glueCode}/*`],
    },
    {
      sid: 'WriteJobResults',
      actions: ['s3:PutObject'],
      resources: [$interpolate`${buckets.artifacts.arn}/${ARTIFACTS.jobResults}/${kind}/*`],
    },
    // The batch of topics the scheduler wrote for a curation or semantic run (`--batch_uri`).
    ...(kind === 'bootstrap'
      ? []
      : [
          {
            sid: 'ReadJobBatches',
            actions: ['s3:GetObject'],
            resources: [$interpolate`${buckets.artifacts.arn}/${ARTIFACTS.jobResults}/${kind}/${JOB_BATCH_FOLDER}/*`],
          },
        ]),
    {
      sid: 'UseTempDir',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [$interpolate`${buckets.artifacts.arn}/${ARTIFACTS.glueTemp}/${kind}/*`],
    },
    {
      sid: 'ListOwnPrefixes',
      actions: ['s3:ListBucket'],
      resources: [buckets.warehouse.arn, buckets.artifacts.arn],
      conditions: {
        StringLike: {
          's3:prefix': [
            ...dbs([...read, ...write]).map((db) => `${databasePath(db)}/*`),
            `${ARTIFACTS.glueTemp}/${kind}/*`,
          ],
        },
      },
    },
    {
      sid: 'WriteJobLogs',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [
        account.arn('logs', `log-group:${glueLogGroupPrefix(names.prefix)}/*`),
        account.arn('logs', `log-group:${glueLogGroupPrefix(names.prefix)}/*:*`),
      ],
    },
    keyUse('UseStageKey', args.keyArn),
    {
      sid: 'LakeFormationCredentialVendingHasNoResourceLevelPermissions',
      actions: ['lakeformation:GetDataAccess'],
      resources: ['*'],
    },
    {
      sid: 'WriteCatalog',
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable'],
      resources: catalogObjects(write),
    },
    {
      sid: 'WriteTables',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: dataObjects(write),
    },
  ];
  if (read.length > 0) {
    statements.push(
      {
        sid: 'ReadCatalog',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables'],
        resources: catalogObjects(read),
      },
      { sid: 'ReadTables', actions: ['s3:GetObject'], resources: dataObjects(read) },
    );
  }
  return statements;
}

function jobLakeGrants(kind: GlueJobKind, catalog: Catalog): Record<string, LakeGrant> {
  const { read, write } = LAYER_ACCESS[kind];
  const grants: Record<string, LakeGrant> = {};
  for (const layer of read) {
    grants[layer] = {
      database: catalog.databases[layer].name,
      databasePermissions: ['DESCRIBE'],
      tablePermissions: ['SELECT', 'DESCRIBE'],
    };
  }
  for (const layer of write) {
    grants[layer] = {
      database: catalog.databases[layer].name,
      databasePermissions: kind === 'bootstrap' ? ['CREATE_TABLE', 'DESCRIBE'] : ['DESCRIBE'],
      tablePermissions: ['SELECT', 'INSERT', 'DELETE', 'ALTER', 'DESCRIBE'],
    };
  }
  return grants;
}

export interface GlueJobs {
  readonly jobs: Readonly<Record<GlueJobKind, aws.glue.Job>>;
  /** `s3://<artifacts>/job-results`: each job writes `<this>/<job>/<JOB_RUN_ID>.json`. */
  readonly resultsUri: $util.Output<string>;
  jobArn(kind: GlueJobKind): $util.Output<string>;
}

export function createGlueJobs(args: LakeContext & { artifacts: GlueArtifacts }): GlueJobs {
  const { stage, names, buckets } = args;
  const artifactsBucket = buckets.artifacts.bucket;
  const upload = (key: string, path: string) =>
    new aws.s3.BucketObjectv2(`glue-code-${key}`, {
      bucket: buckets.artifacts.id,
      key: `${ARTIFACTS.glueCode}/${key}`,
      source: new $util.asset.FileAsset(path),
    });
  const library = upload(GLUE_LIBRARY, args.artifacts.library);
  const logGroupPrefix = glueLogGroupPrefix(names.prefix);
  const logGroups = GLUE_LOG_STREAMS.map(
    (kind) =>
      new aws.cloudwatch.LogGroup(`GlueLogGroup-${kind}`, {
        name: `${logGroupPrefix}/${kind}`,
        retentionInDays: stage.logRetentionDays,
      }),
  );
  const resultsUri = $interpolate`s3://${artifactsBucket}/${ARTIFACTS.jobResults}`;

  const job = (kind: GlueJobKind) => {
    const role = serviceRole(`${kind}JobRole`, {
      servicePrincipal: 'glue.amazonaws.com',
      description: `lean-ops ${stage.stage}: Glue ${kind} job`,
      statements: jobStatements(kind, { ...args, keyArn: args.keyArn }),
    });
    grantLakeFormation(`${kind}JobRole`, role.arn, jobLakeGrants(kind, args.catalog));
    const script = upload(GLUE_ENTRY_POINTS[kind], args.artifacts.scripts[kind]);
    return new aws.glue.Job(
      `${kind}Job`,
      {
        name: names.glueJob(kind),
        description: `lean-ops ${stage.stage}: ${kind} (jobs/glue/${GLUE_ENTRY_POINTS[kind]})`,
        roleArn: role.arn,
        glueVersion: GLUE_VERSION,
        command: {
          name: 'glueetl',
          pythonVersion: '3',
          scriptLocation: $interpolate`s3://${artifactsBucket}/${script.key}`,
        },
        workerType: stage.glue.workerType,
        numberOfWorkers:
          kind === 'bootstrap'
            ? BOOTSTRAP_WORKERS
            : kind === 'maintenance'
              ? stage.maintenance.workers
              : stage.glue.workers,
        timeout: stage.glue.timeoutMinutes[kind],
        maxRetries: 0,
        // Bootstrap runs once per topic and blocks its first run: it starts at once, on standard.
        executionClass: kind === 'bootstrap' ? 'STANDARD' : stage.glue.executionClass,
        executionProperty: { maxConcurrentRuns: Math.max(1, args.topics.length) },
        defaultArguments: {
          '--datalake-formats': 'iceberg',
          '--extra-py-files': $interpolate`s3://${artifactsBucket}/${library.key}`,
          '--conf': buckets.warehouse.bucket.apply(icebergConf),
          '--job-bookmark-option': 'job-bookmark-disable',
          '--custom-logGroup-prefix': logGroupPrefix,
          '--TempDir': $interpolate`s3://${artifactsBucket}/${ARTIFACTS.glueTemp}/${kind}/`,
          '--raw_db': names.databases.raw,
          '--curated_db': names.databases.curated,
          '--semantic_db': names.databases.semantic,
          '--result_uri': $interpolate`${resultsUri}/${kind}`,
          ...(kind === 'maintenance' && maintenanceArguments(stage)),
        },
      },
      { dependsOn: [library, ...logGroups, ...Object.values(args.catalog.databases)] },
    );
  };

  return {
    jobs: {
      bootstrap: job('bootstrap'),
      curation: job('curation'),
      semantic: job('semantic'),
      maintenance: job('maintenance'),
    },
    resultsUri,
    jobArn: (kind) => args.account.arn('glue', `job/${names.glueJob(kind)}`),
  };
}
