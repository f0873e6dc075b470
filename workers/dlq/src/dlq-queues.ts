import type { LeanOpsConfig } from '@lean-ops/config';
import { ConfigError, QUEUE_SERVICE_ENV } from '@lean-ops/core';
import type { SqsQueues } from '@lean-ops/queue-worker';
import type { DlqQueue } from './dlq-options.js';

/**
 * Source queue and DLQ of every configured topic, or of `topic` alone, found the way the
 * ingest worker finds them. Throws `ConfigError` naming an unknown topic or a missing queue.
 */
export async function resolveDlqQueues(
  sqs: Pick<SqsQueues, 'resolve'>,
  config: LeanOpsConfig,
  topic?: string,
): Promise<DlqQueue[]> {
  const configured = config.topics.map((t) => t.name);
  if (topic !== undefined && !configured.includes(topic)) {
    throw new ConfigError('DLQ topic', [`${topic}: not a configured topic (configured: ${configured.join(', ')})`]);
  }
  const topics = configured.filter((name) => topic === undefined || name === topic);
  const queues = (await sqs.resolve(topics)).filter((q) => topic === undefined || q.topic === topic);
  const variable = QUEUE_SERVICE_ENV.queues;
  const issues = queues.filter((q) => !q.dlqUrl).map((q) => `${variable}: topic ${q.topic} has no dlqUrl`);
  if (topic !== undefined && queues.length === 0) issues.push(`${variable}: no entry for topic ${topic}`);
  if (issues.length > 0) throw new ConfigError('DLQ queues', issues);
  return queues.map((q) => ({ topic: q.topic, url: q.url, dlqUrl: q.dlqUrl as string }));
}
