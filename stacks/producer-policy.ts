/**
 * The IAM managed policies a device gateway (or any producer) attaches to publish into the
 * pipeline: send to the topic queues, and use the stage key SQS encrypts them with (SQS asks
 * KMS for a data key on the sender's behalf). Nothing else: no receive, no delete, no DLQs.
 *
 * Queue ARNs are listed one by one (a prefix wildcard would also match the DLQs and the
 * queues of a stage whose name extends this one's), so many topics need more than one
 * policy: IAM caps a managed policy at {@link MANAGED_POLICY_MAX_CHARS} characters. Exported
 * as the stack output `producerPolicyArns` (one ARN up to about 80 topics).
 */
import { keyUse, policyDocument } from './iam';
import type { TopicQueues } from './queues';

/** IAM's quota on a managed policy document (whitespace not counted). */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * Upper bound of one queue ARN's characters in the document, quotes and comma included:
 * `"arn:<partition ≤ 10>:sqs:<region ≤ 14>:<12 digits>:<name>",`.
 */
const arnChars = (queueName: string) => `"arn:aws-iso-b:sqs:ap-southeast-4:123456789012:${queueName}",`.length;

/** Room for everything but the queue ARNs: version, two statements, the key ARN. */
const DOCUMENT_OVERHEAD_CHARS = 600;

export function createProducerPolicies(args: {
  prefix: string;
  queues: readonly TopicQueues[];
  queueName: (topic: string) => string;
  keyArn: $util.Input<string>;
}): aws.iam.Policy[] {
  const chunks: TopicQueues[][] = [];
  let used = Number.POSITIVE_INFINITY;
  for (const q of args.queues) {
    const chars = arnChars(args.queueName(q.topic));
    if (used + chars > MANAGED_POLICY_MAX_CHARS - DOCUMENT_OVERHEAD_CHARS) {
      chunks.push([]);
      used = 0;
    }
    chunks.at(-1)?.push(q);
    used += chars;
  }
  return chunks.map((chunk, i) => {
    const part = chunks.length > 1 ? `-${i + 1}` : '';
    return new aws.iam.Policy(`ProducerPolicy${part}`, {
      name: `${args.prefix}-producer${part}`,
      description: `${args.prefix}: publish to topic queues ${chunk[0]?.topic} .. ${chunk.at(-1)?.topic} (attach to device gateways)`,
      policy: policyDocument([
        {
          sid: 'SendToTopicQueues',
          actions: ['sqs:SendMessage', 'sqs:GetQueueUrl'],
          resources: chunk.map((q) => q.queue.arn),
        },
        keyUse('EncryptWithStageKey', args.keyArn),
      ]),
    });
  });
}
