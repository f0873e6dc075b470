import type { SQSClient } from '@aws-sdk/client-sqs';
import { resolveQueueUrls } from '@lean-ops/aws';
import type { ServiceEnvironment, TopicQueue } from './service-environment.js';

/**
 * Each topic's queue and DLQ: `env.queues`, else looked up by name (`<queuePrefix><topic>`
 * and `<queuePrefix><topic>-dlq`); `ConfigError` naming any missing queue.
 */
export async function resolveQueues(
  sqs: SQSClient,
  topics: readonly string[],
  env: Pick<ServiceEnvironment, 'queues' | 'queuePrefix'>,
): Promise<TopicQueue[]> {
  if (env.queues) return env.queues;
  const names = topics.flatMap((t) => [`${env.queuePrefix}${t}`, `${env.queuePrefix}${t}-dlq`]);
  const urls = await resolveQueueUrls(sqs, names);
  return topics.map((topic) => {
    const url = urls.get(`${env.queuePrefix}${topic}`) as string;
    const dlqUrl = urls.get(`${env.queuePrefix}${topic}-dlq`);
    return dlqUrl ? { topic, url, dlqUrl } : { topic, url };
  });
}
