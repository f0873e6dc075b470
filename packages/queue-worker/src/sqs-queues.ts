import type { SQSClient } from '@aws-sdk/client-sqs';
import { type AdapterLogger, QueueStatsSampler, SqsAcknowledger } from '@lean-ops/aws';
import type { Logger } from '@lean-ops/logger';
import { resolveQueues } from './queue-lookup.js';
import type { ServiceEnvironment, TopicQueue } from './service-environment.js';
import { createSqsClient } from './sqs-client.js';
import { SqsMessageReader } from './sqs-message-reader.js';
import { SqsMessageSender } from './sqs-message-sender.js';
import { SqsMessageSource } from './sqs-message-source.js';

/** Every queue port of a deployment over one SQS client; `destroy()` when done. */
export interface SqsQueues {
  /** Long-polling of the queues; poll failures are logged to `logger`. */
  source(logger: Logger): SqsMessageSource;
  readonly acknowledger: SqsAcknowledger;
  readonly sender: SqsMessageSender;
  readonly reader: SqsMessageReader;
  readonly depths: QueueStatsSampler;
  /** Each topic's queue and DLQ (`LEAN_OPS_QUEUES`, else by name); `ConfigError` naming a missing queue. */
  resolve(topics: readonly string[]): Promise<TopicQueue[]>;
  /** Ends the client's connections. */
  destroy(): void;
}

export interface SqsQueuesOptions {
  /** The ingest worker's client settings (see createSqsClient). @defaultValue false */
  readonly hotPath?: boolean;
  /** Receives the acknowledger's stale-receipt-handle warnings; none when omitted. */
  readonly acknowledgerLogger?: AdapterLogger;
}

/** The queue ports of the deployment `env` describes (AWS, or the emulator at `LEAN_OPS_SQS_ENDPOINT`). */
export function openSqsQueues(env: ServiceEnvironment, options: SqsQueuesOptions = {}): SqsQueues {
  return sqsQueues(createSqsClient(env, { hotPath: options.hotPath ?? false }), env, options);
}

/** The queue ports over an existing client (`lean-ops dev`, tests); `destroy()` destroys the client. */
export function sqsQueues(
  client: SQSClient,
  env: Pick<ServiceEnvironment, 'queues' | 'queuePrefix'>,
  options: Omit<SqsQueuesOptions, 'hotPath'> = {},
): SqsQueues {
  return {
    source: (logger) => new SqsMessageSource({ client, logger }),
    acknowledger: new SqsAcknowledger({
      client,
      ...(options.acknowledgerLogger ? { logger: options.acknowledgerLogger } : {}),
    }),
    sender: new SqsMessageSender(client),
    reader: new SqsMessageReader(client),
    depths: new QueueStatsSampler({ client }),
    resolve: (topics) => resolveQueues(client, topics, env),
    destroy: () => client.destroy(),
  };
}
