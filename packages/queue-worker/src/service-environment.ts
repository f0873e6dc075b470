import { readEnvironment } from '@lean-ops/config';
import { ConfigError, QUEUE_SERVICE_ENV } from '@lean-ops/core';
import { z } from 'zod';

/** One topic's queue and, when it has one, its dead-letter queue (`LEAN_OPS_QUEUES` entries). */
export const queueSchema = z.strictObject({
  /** Topic whose messages the queue carries; the metric label of its counters. */
  topic: z.string().min(1),
  /** SQS queue URL. */
  url: z.string().url(),
  /** Its dead-letter queue. */
  dlqUrl: z.string().url().optional(),
});

export type TopicQueue = z.output<typeof queueSchema>;

/**
 * Deployment wiring of a queue worker (ingest, the DLQ processor), from environment
 * variables (SST sets them on the Fargate task) or the CLI's flags. Topics and tuning
 * come from the config file.
 */
export const serviceEnvironmentSchema = z.strictObject({
  /** Where RAW records go. @defaultValue "local" */
  sink: z.enum(['firehose', 'kinesis', 'local']).default('local'),
  /** SQS endpoint override (an emulator); unset in AWS. */
  sqsEndpoint: z.string().url().optional(),
  /** Explicit queues; otherwise each topic's queue is looked up by name. */
  queues: z.array(queueSchema).optional(),
  /** Queue name of topic T is `<queuePrefix>T`, its DLQ `<queuePrefix>T-dlq`. @defaultValue "" */
  queuePrefix: z.string().default(''),
  /** Delivery stream of topic T is `<firehoseStreamPrefix>T`. @defaultValue "lean-ops-raw-" */
  firehoseStreamPrefix: z.string().default('lean-ops-raw-'),
  /** Kinesis stream for every topic (sink "kinesis"). */
  kinesisStream: z.string().min(1).optional(),
  /** S3 bucket of the quarantine; locally a folder under the data dir is used. */
  quarantineBucket: z.string().min(1).optional(),
  quarantinePrefix: z.string().default('quarantine'),
  /** CloudWatch namespace ingest publishes its backlog (the scaling metric) to; unset: none. */
  cloudwatchNamespace: z.string().min(1).optional(),
  region: z.string().default('us-east-1'),
});

export type ServiceEnvironment = z.output<typeof serviceEnvironmentSchema>;

// The variable names are the contract's: a key the schema has and the contract lacks fails to compile.
const ENV: Readonly<Record<keyof ServiceEnvironment, string>> = QUEUE_SERVICE_ENV;

/**
 * Reads the service environment of `component` ("ingest", "DLQ"; errors say
 * "Invalid <component> service environment"); flags given in `overrides` win. Throws
 * `ConfigError` naming the variable.
 */
export function readServiceEnvironment(
  component: string,
  env: NodeJS.ProcessEnv,
  overrides: Partial<Record<keyof ServiceEnvironment, unknown>> = {},
): ServiceEnvironment {
  const source = serviceEnvironmentSource(component);
  const parsed = readEnvironment(source, serviceEnvironmentSchema, ENV, env, overrides, ['queues']);
  if (parsed.sink === 'kinesis' && !parsed.kinesisStream) {
    throw new ConfigError(source, [`${ENV.kinesisStream}: required when ${ENV.sink}=kinesis`]);
  }
  return parsed;
}

/** What a `ConfigError` about `component`'s service environment names. */
export function serviceEnvironmentSource(component: string): string {
  return `${component} service environment`;
}
