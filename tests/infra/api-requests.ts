/**
 * Recorded Pulumi inputs turned into the AWS API requests the provider would send (the fields
 * this app sets), so botocore's models can validate them (botocore-model.ts). The mocks' ARNs
 * (`arn:aws:mock:…`) stand in for real ones of the right service.
 */
import { ofType, parsed } from './recorded';
import { ACCOUNT_ID, REGION, type RecordedResource } from './sst-harness';

type Resources = readonly RecordedResource[];
type Inputs = Record<string, unknown>;

export interface ApiRequest {
  /** `<resource type> <name>`: where a problem comes from. */
  readonly label: string;
  readonly request: Record<string, unknown>;
}

/** A mock ARN replaced by a real-looking one of `service` (`resource` after the account). */
function arnOf(value: unknown, service: 'iam' | 's3' | 'kms' | 'sns', resource: string): unknown {
  if (typeof value !== 'string' || !value.startsWith('arn:aws:mock:')) return value;
  const name = value.split('/').at(-1) ?? 'mock';
  if (service === 'iam') return `arn:aws:iam::${ACCOUNT_ID}:${resource}/${name}`;
  if (service === 's3') return `arn:aws:s3:::${name.toLowerCase()}`;
  return `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}${name}`;
}

/** Drops undefined members, as the SDK does before it sends a request. */
function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

const label = (r: RecordedResource) => `${r.type.split(':').at(-1)} ${r.name}`;

/** Firehose CreateDeliveryStream of each delivery stream (Iceberg destination). */
export function firehoseRequests(resources: Resources): ApiRequest[] {
  return ofType(resources, 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream').map((r) => {
    const sse = r.inputs.serverSideEncryption as Inputs | undefined;
    const ice = (r.inputs.icebergConfiguration ?? {}) as Inputs;
    const s3 = (ice.s3Configuration ?? {}) as Inputs;
    const logs = ice.cloudwatchLoggingOptions as Inputs | undefined;
    const tables = (ice.destinationTableConfigurations ?? []) as Inputs[];
    return {
      label: label(r),
      request: defined({
        DeliveryStreamName: r.inputs.name,
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: sse?.enabled
          ? defined({ KeyType: sse.keyType, KeyARN: arnOf(sse.keyArn, 'kms', 'key/') })
          : undefined,
        IcebergDestinationConfiguration: defined({
          RoleARN: arnOf(ice.roleArn, 'iam', 'role'),
          CatalogConfiguration: { CatalogARN: ice.catalogArn },
          AppendOnly: ice.appendOnly,
          BufferingHints: defined({ IntervalInSeconds: ice.bufferingInterval, SizeInMBs: ice.bufferingSize }),
          RetryOptions: defined({ DurationInSeconds: ice.retryDuration }),
          S3BackupMode: ice.s3BackupMode,
          DestinationTableConfigurationList: tables.map((t) =>
            defined({
              DestinationDatabaseName: t.databaseName,
              DestinationTableName: t.tableName,
              S3ErrorOutputPrefix: t.s3ErrorOutputPrefix,
              UniqueKeys: t.uniqueKeys,
            }),
          ),
          S3Configuration: defined({
            RoleARN: arnOf(s3.roleArn, 'iam', 'role'),
            BucketARN: arnOf(s3.bucketArn, 's3', ''),
            Prefix: s3.prefix,
            ErrorOutputPrefix: s3.errorOutputPrefix,
            CompressionFormat: s3.compressionFormat,
            EncryptionConfiguration: s3.kmsKeyArn
              ? { KMSEncryptionConfig: { AWSKMSKeyARN: arnOf(s3.kmsKeyArn, 'kms', 'key/') } }
              : undefined,
          }),
          CloudWatchLoggingOptions: logs
            ? defined({ Enabled: logs.enabled, LogGroupName: logs.logGroupName, LogStreamName: logs.logStreamName })
            : undefined,
        }),
      }),
    };
  });
}

/** Glue CreateJob of each job. */
export function glueJobRequests(resources: Resources): ApiRequest[] {
  return ofType(resources, 'aws:glue/job:Job').map((r) => {
    const i = r.inputs;
    const command = (i.command ?? {}) as Inputs;
    return {
      label: label(r),
      request: defined({
        Name: i.name,
        Description: i.description,
        Role: arnOf(i.roleArn, 'iam', 'role'),
        Command: defined({
          Name: command.name,
          ScriptLocation: command.scriptLocation,
          PythonVersion: command.pythonVersion,
        }),
        DefaultArguments: i.defaultArguments,
        MaxRetries: i.maxRetries,
        Timeout: i.timeout,
        GlueVersion: i.glueVersion,
        NumberOfWorkers: i.numberOfWorkers,
        WorkerType: i.workerType,
        ExecutionClass: i.executionClass,
        ExecutionProperty: i.executionProperty
          ? { MaxConcurrentRuns: (i.executionProperty as Inputs).maxConcurrentRuns }
          : undefined,
      }),
    };
  });
}

/** ECS RegisterTaskDefinition of each task definition (the container JSON is already the API's). */
export function ecsTaskRequests(resources: Resources): ApiRequest[] {
  return ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition').map((r) => {
    const i = r.inputs;
    return {
      label: label(r),
      request: defined({
        family: i.family,
        taskRoleArn: arnOf(i.taskRoleArn, 'iam', 'role'),
        executionRoleArn: arnOf(i.executionRoleArn, 'iam', 'role'),
        networkMode: i.networkMode,
        containerDefinitions: parsed(i.containerDefinitions),
        requiresCompatibilities: i.requiresCompatibilities,
        cpu: i.cpu,
        memory: i.memory,
        ephemeralStorage: i.ephemeralStorage,
        runtimePlatform: i.runtimePlatform,
      }),
    };
  });
}

/** The queue attributes the provider sets from its inputs (values are strings in the API). */
const SQS_ATTRIBUTES: Readonly<Record<string, string>> = {
  delaySeconds: 'DelaySeconds',
  maxMessageSize: 'MaximumMessageSize',
  messageRetentionSeconds: 'MessageRetentionPeriod',
  receiveWaitTimeSeconds: 'ReceiveMessageWaitTimeSeconds',
  visibilityTimeoutSeconds: 'VisibilityTimeout',
  kmsMasterKeyId: 'KmsMasterKeyId',
  kmsDataKeyReusePeriodSeconds: 'KmsDataKeyReusePeriodSeconds',
  redrivePolicy: 'RedrivePolicy',
  fifoQueue: 'FifoQueue',
};

/** SQS CreateQueue of each queue. */
export function sqsQueueRequests(resources: Resources): ApiRequest[] {
  return ofType(resources, 'aws:sqs/queue:Queue').map((r) => ({
    label: label(r),
    request: {
      QueueName: r.inputs.name,
      Attributes: Object.fromEntries(
        Object.entries(SQS_ATTRIBUTES)
          .filter(([input]) => r.inputs[input] !== undefined)
          .map(([input, attribute]) => [attribute, String(r.inputs[input])]),
      ),
    },
  }));
}

/**
 * SQS attribute ranges. The model types every attribute as a string; the ranges are in the
 * CreateQueue API reference.
 */
export const SQS_ATTRIBUTE_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

/** Queue attributes outside their documented range. */
export function sqsAttributesOutOfRange(requests: readonly ApiRequest[]): string[] {
  return requests.flatMap(({ label: where, request }) =>
    Object.entries(request.Attributes as Record<string, string>).flatMap(([name, value]) => {
      const range = SQS_ATTRIBUTE_RANGES[name];
      if (!range) return [];
      const n = Number(value);
      return Number.isInteger(n) && n >= range[0] && n <= range[1]
        ? []
        : [`${where}.Attributes.${name}: ${value} outside ${range[0]}–${range[1]}`];
    }),
  );
}

/** DynamoDB CreateTable of each table. */
export function dynamoTableRequests(resources: Resources): ApiRequest[] {
  return ofType(resources, 'aws:dynamodb/table:Table').map((r) => {
    const i = r.inputs;
    const sse = i.serverSideEncryption as Inputs | undefined;
    return {
      label: label(r),
      request: defined({
        TableName: i.name,
        BillingMode: i.billingMode,
        AttributeDefinitions: ((i.attributes ?? []) as Inputs[]).map((a) => ({
          AttributeName: a.name,
          AttributeType: a.type,
        })),
        KeySchema: [
          { AttributeName: i.hashKey, KeyType: 'HASH' },
          ...(i.rangeKey ? [{ AttributeName: i.rangeKey, KeyType: 'RANGE' }] : []),
        ],
        SSESpecification: sse
          ? defined({ Enabled: sse.enabled, SSEType: 'KMS', KMSMasterKeyId: arnOf(sse.kmsKeyArn, 'kms', 'key/') })
          : undefined,
        StreamSpecification: i.streamEnabled ? { StreamEnabled: true, StreamViewType: i.streamViewType } : undefined,
        DeletionProtectionEnabled: i.deletionProtectionEnabled,
      }),
    };
  });
}

const dimensionList = (dimensions: unknown) =>
  dimensions === undefined
    ? undefined
    : Object.entries(dimensions as Record<string, string>).map(([Name, Value]) => ({ Name, Value }));

/** CloudWatch PutMetricAlarm of each alarm (single metric or metric math). */
export function alarmRequests(resources: Resources): ApiRequest[] {
  return ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm').map((r) => {
    const i = r.inputs;
    const actions = (list: unknown) => (list as unknown[] | undefined)?.map((a) => arnOf(a, 'sns', '') as string);
    return {
      label: label(r),
      request: defined({
        AlarmName: i.name,
        AlarmDescription: i.alarmDescription,
        ActionsEnabled: i.actionsEnabled,
        OKActions: actions(i.okActions),
        AlarmActions: actions(i.alarmActions),
        InsufficientDataActions: actions(i.insufficientDataActions),
        MetricName: i.metricName,
        Namespace: i.namespace,
        Statistic: i.statistic,
        ExtendedStatistic: i.extendedStatistic,
        Dimensions: dimensionList(i.dimensions),
        Period: i.period,
        Unit: i.unit,
        EvaluationPeriods: i.evaluationPeriods,
        DatapointsToAlarm: i.datapointsToAlarm,
        Threshold: i.threshold,
        ComparisonOperator: i.comparisonOperator,
        TreatMissingData: i.treatMissingData,
        Metrics: (i.metricQueries as Inputs[] | undefined)?.map((q) => {
          const metric = q.metric as Inputs | undefined;
          return defined({
            Id: q.id,
            Expression: q.expression,
            Label: q.label,
            ReturnData: q.returnData,
            Period: q.period,
            MetricStat: metric
              ? defined({
                  Metric: defined({
                    Namespace: metric.namespace,
                    MetricName: metric.metricName,
                    Dimensions: dimensionList(metric.dimensions),
                  }),
                  Period: metric.period,
                  Stat: metric.stat,
                  Unit: metric.unit,
                })
              : undefined,
          });
        }),
      }),
    };
  });
}

/** Every request this app's resources make, by botocore service and operation. */
export function apiRequests(resources: Resources): { service: string; operation: string; requests: ApiRequest[] }[] {
  return [
    { service: 'firehose', operation: 'CreateDeliveryStream', requests: firehoseRequests(resources) },
    { service: 'glue', operation: 'CreateJob', requests: glueJobRequests(resources) },
    { service: 'ecs', operation: 'RegisterTaskDefinition', requests: ecsTaskRequests(resources) },
    { service: 'sqs', operation: 'CreateQueue', requests: sqsQueueRequests(resources) },
    { service: 'dynamodb', operation: 'CreateTable', requests: dynamoTableRequests(resources) },
    { service: 'cloudwatch', operation: 'PutMetricAlarm', requests: alarmRequests(resources) },
  ];
}
