import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '@lean-ops/core';

/** A queue messages are sent to: its URL and, for the ledger, its name. */
export interface TargetQueue {
  readonly url: string;
  readonly name: string;
}

/** A queue URL's last path segment is the queue's name. */
export function queueNameOf(url: string): string {
  return new URL(url).pathname.split('/').filter(Boolean).pop() ?? url;
}

/**
 * The queue of each topic: one explicit `queueUrl` for all, or `<queuePrefix><topic>`
 * looked up with `GetQueueUrl`, as the ingest worker does. A missing queue is a
 * `ConfigError` naming every queue that could not be found.
 */
export async function resolveTargetQueues(
  client: SQSClient,
  topics: readonly string[],
  where: { queueUrl?: string | undefined; queuePrefix?: string | undefined },
): Promise<ReadonlyMap<string, TargetQueue>> {
  if (where.queueUrl !== undefined) {
    const queue = { url: where.queueUrl, name: queueNameOf(where.queueUrl) };
    return new Map(topics.map((topic) => [topic, queue]));
  }
  const prefix = where.queuePrefix ?? '';
  const lookups = await Promise.allSettled(
    topics.map((topic) => client.send(new GetQueueUrlCommand({ QueueName: `${prefix}${topic}` }))),
  );
  const queues = new Map<string, TargetQueue>();
  const problems: string[] = [];
  lookups.forEach((lookup, i) => {
    const name = `${prefix}${topics[i]}`;
    if (lookup.status === 'fulfilled' && lookup.value.QueueUrl) {
      queues.set(topics[i] as string, { url: lookup.value.QueueUrl, name });
      return;
    }
    const err = lookup.status === 'rejected' ? (lookup.reason as Error) : undefined;
    const missing = err === undefined || /QueueDoesNotExist|NonExistentQueue/.test(err.name);
    problems.push(`queue ${name}: ${missing ? 'does not exist' : `${err.name}: ${err.message}`}`);
  });
  if (problems.length > 0) throw new ConfigError('simulation queues', problems);
  return queues;
}
