import { SQSClient } from '@aws-sdk/client-sqs';
import type { LeanOpsConfig } from '@lean-ops/config';
import { ConfigError } from '@lean-ops/core';
import { resolveQueues, type ServiceEnvironment, sqsClientConfig } from '@lean-ops/worker-ingest';
import type { DlqQueue } from './dlq-options.js';

/** An SQS client for the deployment: AWS, or the emulator at `LEAN_OPS_SQS_ENDPOINT`. */
export function sqsClientFor(env: ServiceEnvironment): SQSClient {
  return new SQSClient(sqsClientConfig(env));
}

/**
 * Source queue and DLQ of every configured topic, or of `topic` alone, found the way the
 * ingest worker finds them. Throws `ConfigError` naming an unknown topic or a missing queue.
 */
export async function resolveDlqQueues(
  sqs: SQSClient,
  config: LeanOpsConfig,
  env: ServiceEnvironment,
  topic?: string,
): Promise<DlqQueue[]> {
  const configured = config.topics.map((t) => t.name);
  if (topic !== undefined && !configured.includes(topic)) {
    throw new ConfigError('DLQ topic', [`${topic}: not a configured topic (configured: ${configured.join(', ')})`]);
  }
  const topics = config.topics.filter((t) => topic === undefined || t.name === topic);
  const queues = (await resolveQueues(sqs, { ...config, topics }, env)).filter(
    (q) => topic === undefined || q.topic === topic,
  );
  const issues = queues.filter((q) => !q.dlqUrl).map((q) => `LEAN_OPS_QUEUES: topic ${q.topic} has no dlqUrl`);
  if (topic !== undefined && queues.length === 0) issues.push(`LEAN_OPS_QUEUES: no entry for topic ${topic}`);
  if (issues.length > 0) throw new ConfigError('DLQ queues', issues);
  return queues.map((q) => ({ topic: q.topic, url: q.url, dlqUrl: q.dlqUrl as string }));
}
