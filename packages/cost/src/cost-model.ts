/**
 * The cost of a day and a month of lean-ops at a message rate, component by component, and of
 * the seeds' design (a Lambda per SQS batch, a Firehose transform Lambda, a Step Function run
 * per topic every trigger interval with two Glue jobs) on the same SQS, Firehose and S3.
 *
 * Inputs are what a deployment decides: the stage's sizes (`stageSizing` of packages/core, which
 * satisfies {@link CostStage}), the config's timer and RAW poll, the topics and the traffic.
 * Prices come from price-table.ts, throughputs from measured.ts, the rest from assumptions.ts.
 */
import { ASSUMPTIONS } from './assumptions.js';
import { CostModelError } from './cost-model-error.js';
import { parseTaskSize, type TaskSize } from './fargate-size.js';
import { type GlueExecutionClass, SECONDS_PER_DAY } from './glue-model.js';
import { type GlueSchedule, leanGlueSchedule, seedsGlueSchedule } from './glue-schedule.js';
import { INGEST_MSGS_PER_VCPU_SECOND, INGEST_TARGET_UTILIZATION } from './measured.js';
import { PRICES, VALKEY_NODE_HOUR } from './price-table.js';

/** What the model reads of a stage; `StageSizing` (packages/core) has this shape. */
export interface CostStage {
  readonly stage: string;
  readonly nat: 'ec2' | 'managed';
  readonly vpcEndpoints: boolean;
  readonly managedPrometheus: boolean;
  readonly ingest: { readonly minTasks: number; readonly maxTasks: number; readonly size: TaskSize };
  readonly dlqProcessor: { readonly size: TaskSize };
  readonly scheduler: { readonly size: TaskSize };
  readonly firehose: { readonly bufferingIntervalSeconds: number; readonly bufferingSizeMiB: number };
  readonly redis: { readonly instance: string; readonly replicas: number };
  readonly glue: {
    readonly workerType: string;
    readonly workers: number;
    readonly executionClass: GlueExecutionClass;
    readonly minRunIntervalSeconds: number;
  };
}

export interface CostScenario {
  readonly stage: CostStage;
  readonly topics: number;
  /** Messages per second over all topics. */
  readonly msgsPerSecond: number;
  /** Bytes of one message body. */
  readonly msgBytes: number;
  /** The config's `thresholds.triggerIntervalSeconds`: the scheduler's timer, the seeds' schedule. */
  readonly triggerIntervalSeconds: number;
  /** The config's `scheduler.rawPollSeconds` (0 = off). */
  readonly rawPollSeconds: number;
  /** The config's `ingest.pollersPerQueue` and `ingest.waitTimeSeconds`. */
  readonly pollersPerQueue: number;
  readonly waitTimeSeconds: number;
}

export const COMPONENTS = [
  'sqs',
  'fargate',
  'lambda',
  'step_functions',
  'firehose',
  's3',
  'glue',
  'dynamodb',
  'elasticache',
  'network',
  'cloudwatch',
] as const;
export type Component = (typeof COMPONENTS)[number];

export interface ComponentCost {
  readonly usdPerDay: number;
  /** What the figure counts, e.g. `3 tasks, 3 vCPU, 6 GB`. */
  readonly basis: string;
}

export interface DesignCost {
  readonly components: Readonly<Record<Component, ComponentCost>>;
  readonly totalUsdPerDay: number;
  readonly glue: GlueSchedule;
}

export interface CostEstimate {
  readonly scenario: CostScenario;
  readonly leanOps: DesignCost;
  readonly seeds: DesignCost;
  /** Ingest tasks the rate needs, within the stage's min and max. */
  readonly ingestTasks: number;
  /** The rate needs more ingest tasks than the stage's `maxTasks`. */
  readonly ingestOverCapacity: boolean;
  /** Seconds between two Firehose commits of a topic. */
  readonly commitIntervalSeconds: number;
}

/** Days per month: AWS's 730 hours. */
export const DAYS_PER_MONTH = 730 / 24;
const GIB = 1024 ** 3;
const MILLION = 1_000_000;
const SQS_CHUNK_BYTES = 64 * 1024;
const SQS_BATCH = 10;

/** Estimates a day of lean-ops and of the seeds' design under `scenario`. */
export function estimateCost(scenario: CostScenario): CostEstimate {
  checkScenario(scenario);
  const { stage, topics } = scenario;
  const messagesPerDay = scenario.msgsPerSecond * SECONDS_PER_DAY;
  const recordBytes = scenario.msgBytes * ASSUMPTIONS.rawRecordEscapeFactor + ASSUMPTIONS.rawRecordEnvelopeBytes;
  const recordGbPerDay = (messagesPerDay * recordBytes) / GIB;
  const commitIntervalSeconds = commitInterval(scenario, recordBytes);
  const glueInput = {
    topics,
    msgsPerSecond: scenario.msgsPerSecond,
    commitIntervalSeconds,
    minRunIntervalSeconds: stage.glue.minRunIntervalSeconds,
    triggerIntervalSeconds: scenario.triggerIntervalSeconds,
    rawPollSeconds: scenario.rawPollSeconds,
    sizing: stage.glue,
  };
  const leanGlue = leanGlueSchedule(glueInput);
  const seedsGlue = seedsGlueSchedule(glueInput);

  const ingestSize = parseTaskSize(stage.ingest.size, 'ingest.size');
  const taskCapacity = ingestSize.vcpu * INGEST_MSGS_PER_VCPU_SECOND.value * INGEST_TARGET_UTILIZATION;
  const tasksNeeded = Math.ceil(scenario.msgsPerSecond / taskCapacity);
  const ingestTasks = Math.min(stage.ingest.maxTasks, Math.max(stage.ingest.minTasks, tasksNeeded));

  const shared = {
    firehose: firehoseCost(recordGbPerDay),
    s3Storage: s3StorageUsdPerDay(recordGbPerDay),
    firehosePuts: topics * (SECONDS_PER_DAY / commitIntervalSeconds) * ASSUMPTIONS.s3PutsPerCommit,
  };

  const leanSqs = sqsCost(scenario, {
    pollersPerQueue: scenario.pollersPerQueue * ingestTasks,
    cycleSeconds: ASSUMPTIONS.ingestReceiveCycleSeconds,
    idleWaitSeconds: scenario.waitTimeSeconds,
  });
  const seedsSqs = sqsCost(scenario, {
    pollersPerQueue: ASSUMPTIONS.seedsSqsPollersPerQueue,
    cycleSeconds: ASSUMPTIONS.seedsSqsLambdaSecondsBase + SQS_BATCH * ASSUMPTIONS.seedsSqsLambdaSecondsPerMessage,
    idleWaitSeconds: 20,
  });

  const leanComponents: Record<Component, ComponentCost> = {
    sqs: leanSqs.cost,
    fargate: fargateCost(stage, ingestTasks),
    lambda: none('no Lambda'),
    step_functions: none('no Step Functions'),
    firehose: shared.firehose,
    s3: s3Cost(shared.s3Storage, shared.firehosePuts, leanGlue),
    glue: glueComponent(leanGlue),
    dynamodb: dynamodbCost(leanGlue.runsPerDay * leanGlue.topicsPerJobRun),
    elasticache: elasticacheCost(stage),
    network: networkCost(stage, scenario, messagesPerDay, recordBytes),
    cloudwatch: leanCloudwatchCost(stage, scenario, ingestTasks, leanGlue),
  };
  const seedsLambda = seedsLambdaCost(scenario, seedsSqs.batchesPerDay, seedsGlue, recordBytes);
  const seedsComponents: Record<Component, ComponentCost> = {
    sqs: seedsSqs.cost,
    fargate: none('no containers'),
    lambda: seedsLambda.cost,
    step_functions: stepFunctionsCost(seedsGlue),
    firehose: shared.firehose,
    s3: s3Cost(shared.s3Storage, shared.firehosePuts, seedsGlue),
    glue: glueComponent(seedsGlue),
    dynamodb: dynamodbCost(seedsGlue.runsPerDay),
    elasticache: none('no Redis (Step Functions keep run state)'),
    network: none('Lambdas outside a VPC'),
    cloudwatch: seedsCloudwatchCost(scenario, seedsGlue, seedsLambda.invocationsPerDay),
  };
  return {
    scenario,
    leanOps: design(leanComponents, leanGlue),
    seeds: design(seedsComponents, seedsGlue),
    ingestTasks,
    ingestOverCapacity: tasksNeeded > stage.ingest.maxTasks,
    commitIntervalSeconds,
  };
}

function design(components: Record<Component, ComponentCost>, glue: GlueSchedule): DesignCost {
  const totalUsdPerDay = COMPONENTS.reduce((sum, name) => sum + components[name].usdPerDay, 0);
  return { components, totalUsdPerDay, glue };
}

const none = (basis: string): ComponentCost => ({ usdPerDay: 0, basis });
const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** A topic's stream commits when its buffer interval ends or its size fills, whichever comes first. */
function commitInterval(scenario: CostScenario, recordBytes: number): number {
  const { bufferingIntervalSeconds, bufferingSizeMiB } = scenario.stage.firehose;
  const topicBytesPerSecond = (scenario.msgsPerSecond / scenario.topics) * recordBytes;
  const fill = (bufferingSizeMiB * 1024 * 1024) / topicBytesPerSecond;
  // An interval of 0 delivers as soon as Firehose can: take a second.
  return Math.max(1, Math.min(bufferingIntervalSeconds, fill));
}

/**
 * SQS requests per day: producers' sends, receives, deletes, and the DLQ's share redriven.
 * A queue's pollers share its messages: a receive returns what arrived during a poller's
 * cycle (at most 10), an idle poller long-polls every `idleWaitSeconds`. Each request is
 * billed per 64 KB chunk of its payload.
 */
function sqsCost(
  scenario: CostScenario,
  consumers: { pollersPerQueue: number; cycleSeconds: number; idleWaitSeconds: number },
): { cost: ComponentCost; batchesPerDay: number } {
  const { topics, msgsPerSecond, msgBytes } = scenario;
  const perQueue = msgsPerSecond / topics;
  const perReceive = Math.min(SQS_BATCH, Math.max(1, (perQueue * consumers.cycleSeconds) / consumers.pollersPerQueue));
  const receivesWithMessages = perQueue / perReceive;
  const idleReceives = consumers.pollersPerQueue / Math.max(1, consumers.idleWaitSeconds);
  const receivesPerQueue = Math.max(receivesWithMessages, idleReceives);
  const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES));
  const day = SECONDS_PER_DAY * topics;
  const messages = msgsPerSecond * SECONDS_PER_DAY;
  const sends = (messages / ASSUMPTIONS.producerMessagesPerSend) * chunks(msgBytes);
  const receives = receivesPerQueue * day * chunks(perReceive * msgBytes);
  const deletes = receivesWithMessages * day;
  const dlqMessages = messages * ASSUMPTIONS.dlqShare;
  // The DLQ processor long-polls each DLQ; a redrive is a receive, a send and a delete.
  const dlq = topics * (SECONDS_PER_DAY / 20) + dlqMessages * (2 + chunks(msgBytes));
  const requests = sends + receives + deletes + dlq;
  return {
    cost: {
      usdPerDay: (requests / MILLION) * PRICES.sqsRequests.usd,
      basis: `${n(requests / MILLION, 1)}M requests (${n(perReceive, 1)} messages per receive)`,
    },
    batchesPerDay: receivesWithMessages * day,
  };
}

function fargateCost(stage: CostStage, ingestTasks: number): ComponentCost {
  const ingest = parseTaskSize(stage.ingest.size, 'ingest.size');
  const dlq = parseTaskSize(stage.dlqProcessor.size, 'dlqProcessor.size');
  const scheduler = parseTaskSize(stage.scheduler.size, 'scheduler.size');
  const vcpu = ingestTasks * ingest.vcpu + dlq.vcpu + scheduler.vcpu;
  const gb = ingestTasks * ingest.gb + dlq.gb + scheduler.gb;
  return {
    usdPerDay: 24 * (vcpu * PRICES.fargateVcpuHour.usd + gb * PRICES.fargateGbHour.usd),
    basis: `${ingestTasks} ingest + DLQ + scheduler tasks: ${n(vcpu, 2)} vCPU, ${n(gb, 1)} GB`,
  };
}

function firehoseCost(recordGbPerDay: number): ComponentCost {
  return {
    usdPerDay: recordGbPerDay * PRICES.firehoseIcebergGb.usd,
    basis: `${n(recordGbPerDay, 1)} GB/day into Iceberg`,
  };
}

/** The first month's average: the lake grows all month, so on average it holds half a month. */
function s3StorageUsdPerDay(recordGbPerDay: number): number {
  const gbPerDay = recordGbPerDay * ASSUMPTIONS.parquetBytesPerRecordByte * ASSUMPTIONS.lakeLayers;
  return (gbPerDay * (DAYS_PER_MONTH / 2) * PRICES.s3StorageGbMonth.usd) / DAYS_PER_MONTH;
}

function s3Cost(storageUsdPerDay: number, firehosePuts: number, glue: GlueSchedule): ComponentCost {
  const topicJobs = glue.jobRunsPerDay * glue.topicsPerJobRun;
  const puts =
    firehosePuts + topicJobs * ASSUMPTIONS.s3PutsPerTopicJob + glue.jobRunsPerDay * ASSUMPTIONS.s3PutsPerJobRun;
  const gets = topicJobs * ASSUMPTIONS.s3GetsPerTopicJob;
  const requestsUsd = (puts / 1000) * PRICES.s3PutRequests.usd + (gets / 1000) * PRICES.s3GetRequests.usd;
  return {
    usdPerDay: storageUsdPerDay + requestsUsd,
    basis: `storage $${n(storageUsdPerDay, 2)}/day (first month), ${n(puts)} PUTs, ${n(gets)} GETs`,
  };
}

function glueComponent(glue: GlueSchedule): ComponentCost {
  return {
    usdPerDay: glue.usdPerDay,
    basis:
      `${n(glue.jobRunsPerDay)} job runs × ${n(glue.dpus, 2)} DPU × ${n(glue.billedSecondsPerJobRun)} s ` +
      `(${glue.executionClass})${glue.keepsUp ? '' : ', does not keep up: runs all day'}`,
  };
}

function dynamodbCost(topicRunsPerDay: number): ComponentCost {
  const reads = topicRunsPerDay * ASSUMPTIONS.dynamodbReadsPerTopicRun;
  const writes = topicRunsPerDay * ASSUMPTIONS.dynamodbWritesPerTopicRun;
  return {
    usdPerDay:
      (reads / MILLION) * PRICES.dynamodbReadRequests.usd + (writes / MILLION) * PRICES.dynamodbWriteRequests.usd,
    basis: `${n(reads)} RRU, ${n(writes)} WRU`,
  };
}

function elasticacheCost(stage: CostStage): ComponentCost {
  const node = VALKEY_NODE_HOUR[stage.redis.instance];
  if (node === undefined) {
    throw new CostModelError(
      `redis.instance: no price for node type ${stage.redis.instance} (priced: ${Object.keys(VALKEY_NODE_HOUR).join(', ')})`,
    );
  }
  const nodes = 1 + stage.redis.replicas;
  return { usdPerDay: nodes * 24 * node.usd, basis: `${nodes} × cache.${stage.redis.instance} (Valkey)` };
}

/**
 * NAT and interface endpoints. Through them go SQS receives and Firehose puts (base64 in
 * JSON: 4/3 of the record); S3 and DynamoDB use the free gateway endpoints. With interface
 * endpoints the AWS API traffic skips NAT; a fck-nat instance adds no per-GB charge (traffic
 * to AWS APIs in the region is not billed as transfer).
 */
function networkCost(
  stage: CostStage,
  scenario: CostScenario,
  messagesPerDay: number,
  recordBytes: number,
): ComponentCost {
  const azs = ASSUMPTIONS.availabilityZones;
  const apiGb = (messagesPerDay * (scenario.msgBytes + (recordBytes * 4) / 3)) / GIB;
  const natHours = stage.nat === 'managed' ? PRICES.natGatewayHour.usd : PRICES.natInstanceHour.usd;
  let usdPerDay = azs * 24 * natHours;
  let basis = `${azs} × ${stage.nat === 'managed' ? 'NAT Gateway' : 'fck-nat t4g.nano'}`;
  if (stage.vpcEndpoints) {
    const endpoints = ASSUMPTIONS.interfaceEndpoints + (stage.managedPrometheus ? 1 : 0);
    usdPerDay += endpoints * azs * 24 * PRICES.interfaceEndpointAzHour.usd + apiGb * PRICES.interfaceEndpointGb.usd;
    basis += `, ${endpoints} interface endpoints × ${azs} AZs, ${n(apiGb, 1)} GB/day through them`;
  } else if (stage.nat === 'managed') {
    usdPerDay += apiGb * PRICES.natGatewayGb.usd;
    basis += `, ${n(apiGb, 1)} GB/day through NAT`;
  }
  return { usdPerDay, basis };
}

function cloudwatchUsd(parts: { metrics: number; alarmMetrics: number; logMb: number; putMetricData: number }): number {
  return (
    (parts.metrics * PRICES.cloudwatchMetricMonth.usd + parts.alarmMetrics * PRICES.cloudwatchAlarmMetricMonth.usd) /
      DAYS_PER_MONTH +
    (parts.logMb / 1024) * PRICES.cloudwatchLogsGb.usd +
    (parts.putMetricData / 1000) * PRICES.cloudwatchPutMetricData.usd
  );
}

function leanCloudwatchCost(
  stage: CostStage,
  scenario: CostScenario,
  ingestTasks: number,
  glue: GlueSchedule,
): ComponentCost {
  const { topics } = scenario;
  const metrics =
    topics * ASSUMPTIONS.pipelineMetricsPerTopic + ASSUMPTIONS.ingestMetrics + ASSUMPTIONS.containerInsightsMetrics;
  const alarmMetrics =
    topics * ASSUMPTIONS.alarmMetricsPerTopic + ASSUMPTIONS.alarmMetricsPerStage + 1 + stage.redis.replicas;
  const tasks = ingestTasks + 2;
  const logMb = tasks * ASSUMPTIONS.serviceLogMbPerTaskDay + glue.jobRunsPerDay * ASSUMPTIONS.glueLogMbPerJobRun;
  const putMetricData =
    glue.runsPerDay * glue.topicsPerJobRun * ASSUMPTIONS.putMetricDataPerTopicRun +
    ingestTasks * 1440 * ASSUMPTIONS.putMetricDataPerTaskMinute;
  return {
    usdPerDay: cloudwatchUsd({ metrics, alarmMetrics, logMb, putMetricData }),
    basis: `${n(metrics)} metrics, ${n(alarmMetrics)} alarm metrics, ${n(logMb)} MB logs/day`,
  };
}

function seedsLambdaCost(
  scenario: CostScenario,
  sqsBatchesPerDay: number,
  glue: GlueSchedule,
  recordBytes: number,
): { cost: ComponentCost; invocationsPerDay: number } {
  const messagesPerDay = scenario.msgsPerSecond * SECONDS_PER_DAY;
  const perBatch = messagesPerDay / sqsBatchesPerDay;
  const sqsGbSeconds =
    sqsBatchesPerDay *
    (ASSUMPTIONS.seedsSqsLambdaSecondsBase + perBatch * ASSUMPTIONS.seedsSqsLambdaSecondsPerMessage) *
    ASSUMPTIONS.seedsSqsLambdaGb;
  const streamBytesPerDay = (messagesPerDay * recordBytes) / scenario.topics;
  const transformsPerStream = Math.max(
    SECONDS_PER_DAY / ASSUMPTIONS.seedsTransformBufferSeconds,
    streamBytesPerDay / ASSUMPTIONS.seedsTransformBufferBytes,
  );
  const transforms = scenario.topics * transformsPerStream;
  const transformGbSeconds =
    (transforms * ASSUMPTIONS.seedsTransformSecondsBase + messagesPerDay * ASSUMPTIONS.seedsTransformSecondsPerRecord) *
    ASSUMPTIONS.seedsTransformGb;
  const steps = glue.runsPerDay * ASSUMPTIONS.seedsLambdaStepsPerRun;
  const stepGbSeconds = steps * ASSUMPTIONS.seedsLambdaStepSeconds * ASSUMPTIONS.seedsLambdaStepGb;
  const dlq = (messagesPerDay * ASSUMPTIONS.dlqShare) / SQS_BATCH;
  const invocations = sqsBatchesPerDay + transforms + steps + dlq;
  const gbSeconds = sqsGbSeconds + transformGbSeconds + stepGbSeconds;
  return {
    cost: {
      usdPerDay: (invocations / MILLION) * PRICES.lambdaRequests.usd + gbSeconds * PRICES.lambdaGbSecond.usd,
      basis: `${n(invocations / MILLION, 2)}M invocations, ${n(gbSeconds)} GB-s`,
    },
    invocationsPerDay: invocations,
  };
}

function stepFunctionsCost(glue: GlueSchedule): ComponentCost {
  const transitions = glue.runsPerDay * ASSUMPTIONS.seedsTransitionsPerRun;
  return {
    usdPerDay: (transitions / 1000) * PRICES.stepFunctionsTransitions.usd,
    basis: `${n(glue.runsPerDay)} standard executions, ${n(transitions)} transitions`,
  };
}

function seedsCloudwatchCost(scenario: CostScenario, glue: GlueSchedule, lambdaInvocations: number): ComponentCost {
  const metrics = scenario.topics * ASSUMPTIONS.pipelineMetricsPerTopic;
  const alarmMetrics = scenario.topics * ASSUMPTIONS.seedsAlarmMetricsPerTopic;
  const logMb =
    (lambdaInvocations * ASSUMPTIONS.seedsLogBytesPerInvocation) / (1024 * 1024) +
    glue.jobRunsPerDay * ASSUMPTIONS.glueLogMbPerJobRun;
  const putMetricData = glue.runsPerDay * ASSUMPTIONS.putMetricDataPerTopicRun;
  return {
    usdPerDay: cloudwatchUsd({ metrics, alarmMetrics, logMb, putMetricData }),
    basis: `${n(metrics)} metrics, ${n(alarmMetrics)} alarm metrics, ${n(logMb)} MB logs/day`,
  };
}

function checkScenario(scenario: CostScenario): void {
  const problems: string[] = [];
  const check = (name: string, value: number, ok: boolean, rule: string) => {
    if (!ok || !Number.isFinite(value)) problems.push(`${name}: ${rule} (got ${value})`);
  };
  check('topics', scenario.topics, Number.isInteger(scenario.topics) && scenario.topics >= 1, 'an integer ≥ 1');
  check('msgsPerSecond', scenario.msgsPerSecond, scenario.msgsPerSecond > 0, 'must be > 0');
  check('msgBytes', scenario.msgBytes, scenario.msgBytes >= 1 && scenario.msgBytes <= 1024 * 1024, '1 to 1,048,576');
  check('triggerIntervalSeconds', scenario.triggerIntervalSeconds, scenario.triggerIntervalSeconds > 0, 'must be > 0');
  check('rawPollSeconds', scenario.rawPollSeconds, scenario.rawPollSeconds >= 0, 'must be ≥ 0');
  check('pollersPerQueue', scenario.pollersPerQueue, scenario.pollersPerQueue >= 1, 'must be ≥ 1');
  check('waitTimeSeconds', scenario.waitTimeSeconds, scenario.waitTimeSeconds >= 0, 'must be ≥ 0');
  if (problems.length > 0) throw new CostModelError(`invalid cost scenario: ${problems.join('; ')}`);
}
