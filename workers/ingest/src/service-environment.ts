import { readEnvironment } from '@lean-ops/config';
import { ConfigError } from '@lean-ops/core';
import { z } from 'zod';
import { queueOptionsSchema } from './options.js';

/**
 * Deployment wiring of the ingest service, from environment variables (SST sets them on
 * the Fargate task) or the CLI's flags. Topics and tuning come from the config file.
 */
export const serviceEnvironmentSchema = z.strictObject({
  /** Where RAW records go. @defaultValue "local" */
  sink: z.enum(['firehose', 'kinesis', 'local']).default('local'),
  /** SQS endpoint override (an emulator); unset in AWS. */
  sqsEndpoint: z.string().url().optional(),
  /** Explicit queues; otherwise each topic's queue is looked up by name. */
  queues: z.array(queueOptionsSchema).optional(),
  /** Queue name of topic T is `<queuePrefix>T`, its DLQ `<queuePrefix>T-dlq`. @defaultValue "" */
  queuePrefix: z.string().default(''),
  /** Delivery stream of topic T is `<firehoseStreamPrefix>T`. @defaultValue "lean-ops-raw-" */
  firehoseStreamPrefix: z.string().default('lean-ops-raw-'),
  /** Kinesis stream for every topic (sink "kinesis"). */
  kinesisStream: z.string().min(1).optional(),
  /** S3 bucket of the quarantine; locally a folder under the data dir is used. */
  quarantineBucket: z.string().min(1).optional(),
  quarantinePrefix: z.string().default('quarantine'),
  region: z.string().default('us-east-1'),
});

export type ServiceEnvironment = z.output<typeof serviceEnvironmentSchema>;

const ENV: Record<keyof ServiceEnvironment, string> = {
  sink: 'LEAN_OPS_SINK',
  sqsEndpoint: 'LEAN_OPS_SQS_ENDPOINT',
  queues: 'LEAN_OPS_QUEUES',
  queuePrefix: 'LEAN_OPS_QUEUE_PREFIX',
  firehoseStreamPrefix: 'LEAN_OPS_FIREHOSE_STREAM_PREFIX',
  kinesisStream: 'LEAN_OPS_KINESIS_STREAM',
  quarantineBucket: 'LEAN_OPS_QUARANTINE_BUCKET',
  quarantinePrefix: 'LEAN_OPS_QUARANTINE_PREFIX',
  region: 'AWS_REGION',
};

/** Reads the service environment; flags given in `overrides` win. Throws `ConfigError` naming the variable. */
export function readServiceEnvironment(
  env: NodeJS.ProcessEnv,
  overrides: Partial<Record<keyof ServiceEnvironment, unknown>> = {},
): ServiceEnvironment {
  const parsed = readEnvironment('ingest service environment', serviceEnvironmentSchema, ENV, env, overrides, [
    'queues',
  ]);
  if (parsed.sink === 'kinesis' && !parsed.kinesisStream) {
    throw new ConfigError('ingest service environment', [
      'LEAN_OPS_KINESIS_STREAM: required when LEAN_OPS_SINK=kinesis',
    ]);
  }
  return parsed;
}
