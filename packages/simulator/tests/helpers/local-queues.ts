import { SQSClient } from '@aws-sdk/client-sqs';
import { type EmbeddedSqs, LOCAL_CREDENTIALS, startEmbeddedSqs } from '@lean-ops/local';

export interface LocalQueues {
  readonly sqs: EmbeddedSqs;
  readonly client: SQSClient;
  /** Queue URL of each topic (`<prefix><topic>`). */
  readonly urls: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

/** The embedded SQS endpoint with a queue (and DLQ) per topic, as `lean-ops dev` creates them. */
export async function startLocalQueues(prefix: string, topics: readonly string[]): Promise<LocalQueues> {
  const sqs = await startEmbeddedSqs();
  const urls = new Map<string, string>();
  for (const topic of topics) urls.set(topic, (await sqs.createTopicQueue(`${prefix}${topic}`)).url);
  const client = new SQSClient({ region: 'us-east-1', endpoint: sqs.endpoint, credentials: LOCAL_CREDENTIALS });
  return {
    sqs,
    client,
    urls,
    async close() {
      client.destroy();
      await sqs.close();
    },
  };
}
