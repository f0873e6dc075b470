/**
 * Per topic: the SQS queue devices publish to and its dead-letter queue, both encrypted with
 * the stage key. After `dlq.maxReceiveCount` receives SQS moves a message to the DLQ; only
 * that topic's queue may redrive into it. Names follow the ingest worker's lookup rule
 * (`<prefix><topic>`, `<prefix><topic>-dlq`).
 */
import { denyInsecureTransportPolicy } from './iam';
import type { StageNames } from './names';
import type { StageConfig } from './stage';

/** SQS reuses a data key this long before asking KMS again (SQS default; bounds KMS calls and cost). */
const KMS_DATA_KEY_REUSE_SECONDS = 300;

/** The ingest worker's receive-time visibility default (docs/ingest.md); the heartbeat extends it. */
const VISIBILITY_TIMEOUT_SECONDS = 60;

export interface TopicQueues {
  readonly topic: string;
  readonly queue: aws.sqs.Queue;
  readonly dlq: aws.sqs.Queue;
}

export function createTopicQueues(
  stage: StageConfig,
  names: StageNames,
  topics: readonly string[],
  keyArn: $util.Input<string>,
): TopicQueues[] {
  const retainOnDelete = stage.removal === 'retain';
  const encryption = { kmsMasterKeyId: keyArn, kmsDataKeyReusePeriodSeconds: KMS_DATA_KEY_REUSE_SECONDS };
  return topics.map((topic) => {
    const dlq = new aws.sqs.Queue(
      `topic-${topic}-dlq`,
      { name: names.dlq(topic), messageRetentionSeconds: stage.queueRetentionSeconds.dlq, ...encryption },
      { retainOnDelete },
    );
    const queue = new aws.sqs.Queue(
      `topic-${topic}-queue`,
      {
        name: names.queue(topic),
        messageRetentionSeconds: stage.queueRetentionSeconds.source,
        visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
        // Long polling by default, as the worker polls (20 s).
        receiveWaitTimeSeconds: 20,
        redrivePolicy: $jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: stage.dlq.maxReceiveCount }),
        ...encryption,
      },
      { retainOnDelete },
    );
    // A separate resource: the queue already depends on the DLQ, so the DLQ cannot name the queue.
    new aws.sqs.RedriveAllowPolicy(`topic-${topic}-dlq-redrive-allow`, {
      queueUrl: dlq.url,
      redriveAllowPolicy: $jsonStringify({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }),
    });
    for (const [kind, target] of [
      ['queue', queue],
      ['dlq', dlq],
    ] as const) {
      new aws.sqs.QueuePolicy(`topic-${topic}-${kind}-tls-only`, {
        queueUrl: target.url,
        policy: denyInsecureTransportPolicy('sqs:*', [target.arn]),
      });
    }
    return { topic, queue, dlq };
  });
}
