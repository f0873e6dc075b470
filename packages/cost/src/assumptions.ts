/**
 * What the model assumes where nothing was measured: each value is a stated guess, named for
 * what it stands for, so that docs/cost.md can list them and a measurement can replace one.
 */
export const ASSUMPTIONS = {
  /** Billed seconds every Glue job run spends before its first topic: Spark driver and executors, Python, the Iceberg catalog. */
  glueRunStartSeconds: 20,
  /** Seconds per topic in a run (snapshot range, MERGE planning, commits, result), whatever its row count. */
  glueTopicSeconds: 3,
  /** RAW record on the wire: the message (JSON-escaped, +10 %) plus the envelope columns. */
  rawRecordEscapeFactor: 1.1,
  rawRecordEnvelopeBytes: 300,
  /** Stored Parquet bytes per RAW record byte, in each of RAW, curated and semantic. */
  parquetBytesPerRecordByte: 0.3,
  lakeLayers: 3,
  /** Producers send one message per SendMessage (devices do not batch). */
  producerMessagesPerSend: 1,
  /** A poller's cycle while messages wait: receive, linger, Firehose put, delete (ingest.lingerMs 200 ms + calls). */
  ingestReceiveCycleSeconds: 1,
  /** Share of messages that reach a DLQ and are redriven once. */
  dlqShare: 0.001,
  /** AZs of the VPC (SST's default; Fargate needs two). */
  availabilityZones: 2,
  /** Interface endpoints of stacks/network.ts (`INTERFACE_ENDPOINT_SERVICES`), and one more with Managed Prometheus. */
  interfaceEndpoints: 9,
  /** S3 objects written per Iceberg commit: data file, manifest, manifest list, metadata.json. */
  s3PutsPerCommit: 4,
  /** Per topic and job run: a commit of the target, one of the rejects table, a data file each. */
  s3PutsPerTopicJob: 10,
  /** Per topic and job run: metadata, manifests and data files read. */
  s3GetsPerTopicJob: 30,
  /** Per job run: the result file the scheduler reads. */
  s3PutsPerJobRun: 1,
  /** DynamoDB per topic and run: checkpoints and schema read (3 RRU), two checkpoints written (2 WRU). */
  dynamodbReadsPerTopicRun: 3,
  dynamodbWritesPerTopicRun: 2,
  /** Pipeline metrics per topic (PIPELINE_METRICS) and the ingest backlog metric. */
  pipelineMetricsPerTopic: 4,
  ingestMetrics: 1,
  /** Container Insights metrics: a cluster's and three services' (ECS, classic per-metric billing). */
  containerInsightsMetrics: 8 + 3 * 11,
  /** Alarms per topic: stacks/alarms.ts (5) and stacks/operator-alarms.ts (3), one metric each. */
  alarmMetricsPerTopic: 8,
  /** Per stage: tasks-below-desired of three services (two metrics each) and ingest target tracking (two alarms of two). */
  alarmMetricsPerStage: 3 * 2 + 2 * 2,
  /** Logs per service task per day (start-up, warnings, run records), and per Glue job run (driver and executors). */
  serviceLogMbPerTaskDay: 20,
  glueLogMbPerJobRun: 1,
  /** Scheduler PutMetricData calls per topic and run; ingest's per task and minute. */
  putMetricDataPerTopicRun: 1,
  putMetricDataPerTaskMinute: 1,
  /** The seeds' design: SQS event source pollers per queue, batch of 10, Lambda duration and memory. */
  seedsSqsPollersPerQueue: 5,
  seedsSqsLambdaSecondsBase: 0.02,
  seedsSqsLambdaSecondsPerMessage: 0.01,
  seedsSqsLambdaGb: 0.5,
  /** The Firehose transform Lambda: invoked per 1 MiB or 60 s of a stream, 256 MB. */
  seedsTransformBufferBytes: 1024 * 1024,
  seedsTransformBufferSeconds: 60,
  seedsTransformSecondsBase: 0.02,
  seedsTransformSecondsPerRecord: 0.00005,
  seedsTransformGb: 0.25,
  /** Step Function states entered per run (GetAllCheckpoints … FullPipelineSuccess) and the Lambda steps among them. */
  seedsTransitionsPerRun: 11,
  seedsLambdaStepsPerRun: 3,
  seedsLambdaStepSeconds: 0.2,
  seedsLambdaStepGb: 0.25,
  /** Log bytes per Lambda invocation (START, END, REPORT lines). */
  seedsLogBytesPerInvocation: 300,
  /** Alarms of the seeds' design per topic: DLQ age, drift, curation lag, semantic lag. */
  seedsAlarmMetricsPerTopic: 4,
} as const;
