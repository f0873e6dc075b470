/**
 * One Firehose delivery stream per topic (the ingest worker's routing, docs/ingest.md) into
 * the topic's RAW Iceberg table `{raw_db}.{topic}_staging`: append-only (RAW is; it also
 * lifts Iceberg direct PUT's per-stream throughput cap, and only CreateDeliveryStream can set
 * it), buffering per stage, undeliverable records to the errors bucket, SSE with the stage
 * key, and a role per stream that can write that one table.
 *
 * The table must exist before delivery succeeds: the bootstrap job creates it (docs/deploy.md);
 * until then Firehose retries for {@link DELIVERY_RETRY_SECONDS}, then writes the records to
 * the errors bucket.
 */
import { databasePath, type LakeContext } from './catalog';
import { keyUse, serviceRole } from './iam';
import { grantLakeFormation } from './lake-formation';

/** Iceberg destination retry window (0–7200 s): an hour covers a first deploy before bootstrap. */
export const DELIVERY_RETRY_SECONDS = 3600;

/** Log stream Firehose writes delivery errors to. */
const ERROR_LOG_STREAM = 'DestinationDelivery';

export function createDeliveryStreams(args: LakeContext): aws.kinesis.FirehoseDeliveryStream[] {
  const { stage, names, account, buckets, catalog, keyArn } = args;
  const rawDb = names.databases.raw;
  return args.topics.map((topic) => {
    const streamName = names.firehoseStream(topic);
    const table = names.rawTable(topic);
    const logGroup = new aws.cloudwatch.LogGroup(`firehose-${topic}-logs`, {
      name: `/aws/kinesisfirehose/${streamName}`,
      retentionInDays: stage.logRetentionDays,
    });
    new aws.cloudwatch.LogStream(`firehose-${topic}-error-log`, {
      name: ERROR_LOG_STREAM,
      logGroupName: logGroup.name,
    });
    const errorPrefix = `${topic}/`;
    const role = serviceRole(`firehose-${topic}-role`, {
      servicePrincipal: 'firehose.amazonaws.com',
      assumeConditions: { StringEquals: { 'sts:ExternalId': account.accountId } },
      description: `lean-ops ${stage.stage}: delivery of topic ${topic} into ${rawDb}.${table}`,
      statements: [
        {
          sid: 'CommitToRawTable',
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:UpdateTable'],
          resources: [catalog.catalogArn, catalog.databaseArn(rawDb), catalog.tableArn(rawDb, table)],
        },
        {
          sid: 'WriteRawTableFiles',
          actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [$interpolate`${buckets.warehouse.arn}/${databasePath(rawDb)}/${table}/*`],
        },
        {
          sid: 'WriteDeliveryErrors',
          actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
          resources: [$interpolate`${buckets.firehoseErrors.arn}/${errorPrefix}*`],
        },
        {
          sid: 'LocateBuckets',
          actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [buckets.warehouse.arn, buckets.firehoseErrors.arn],
        },
        keyUse('UseStageKey', keyArn),
        {
          sid: 'WriteDeliveryLogs',
          actions: ['logs:PutLogEvents'],
          resources: [$interpolate`${logGroup.arn}:log-stream:${ERROR_LOG_STREAM}`],
        },
        {
          sid: 'LakeFormationCredentialVendingHasNoResourceLevelPermissions',
          actions: ['lakeformation:GetDataAccess'],
          resources: ['*'],
        },
      ],
    });
    grantLakeFormation(`firehose-${topic}-role`, role.arn, {
      raw: {
        database: catalog.databases.raw.name,
        databasePermissions: ['DESCRIBE'],
        tablePermissions: ['SELECT', 'INSERT', 'ALTER', 'DESCRIBE'],
      },
    });
    return new aws.kinesis.FirehoseDeliveryStream(
      `firehose-${topic}`,
      {
        name: streamName,
        destination: 'iceberg',
        serverSideEncryption: { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn },
        icebergConfiguration: {
          roleArn: role.arn,
          catalogArn: catalog.catalogArn,
          appendOnly: true,
          bufferingInterval: stage.firehose.bufferingIntervalSeconds,
          bufferingSize: stage.firehose.bufferingSizeMiB,
          retryDuration: DELIVERY_RETRY_SECONDS,
          s3BackupMode: 'FailedDataOnly',
          destinationTableConfigurations: [{ databaseName: rawDb, tableName: table, s3ErrorOutputPrefix: errorPrefix }],
          s3Configuration: {
            roleArn: role.arn,
            bucketArn: buckets.firehoseErrors.arn,
            errorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
            compressionFormat: 'GZIP',
            kmsKeyArn: keyArn,
          },
          cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup.name, logStreamName: ERROR_LOG_STREAM },
        },
      },
      { dependsOn: [catalog.databases.raw] },
    );
  });
}
