import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startEmbeddedSqs } from '@lean-ops/local';
import { awsClientConfig } from './aws-client-config.js';
import type { TestServer } from './test-server.js';

/**
 * Starts the embedded SQS endpoint of local mode (fauxqs, in this process, on 127.0.0.1),
 * so tests use the same server `lean-ops` runs against.
 */
export async function startSqsServer(): Promise<TestServer> {
  const sqs = await startEmbeddedSqs();
  // close() is idempotent: a second call awaits the first.
  return { endpoint: sqs.endpoint, stop: () => sqs.close() };
}

export interface CreateQueueOptions {
  /** Also create `<name>-dlq` and redrive to it after this many receives. */
  readonly dlq?: { readonly maxReceiveCount: number };
  /** Seconds a received message stays invisible. @defaultValue 30 (the SQS default) */
  readonly visibilityTimeout?: number;
}

export interface CreatedQueue {
  readonly queueUrl: string;
  /** Set when `dlq` was requested. */
  readonly dlqUrl?: string;
}

/** Creates a queue (and its DLQ) through the real SQS API of the server at `endpoint`. */
export async function createQueue(
  endpoint: string,
  name: string,
  options: CreateQueueOptions = {},
): Promise<CreatedQueue> {
  const client = new SQSClient(awsClientConfig(endpoint));
  try {
    const attributes: Record<string, string> = {};
    if (options.visibilityTimeout !== undefined) attributes.VisibilityTimeout = String(options.visibilityTimeout);
    let dlqUrl: string | undefined;
    if (options.dlq) {
      const dlq = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
      dlqUrl = required(dlq.QueueUrl, 'CreateQueue returned no QueueUrl for the DLQ');
      const arn = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: required(arn.Attributes?.QueueArn, 'GetQueueAttributes returned no QueueArn for the DLQ'),
        maxReceiveCount: String(options.dlq.maxReceiveCount),
      });
    }
    const queue = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const queueUrl = required(queue.QueueUrl, 'CreateQueue returned no QueueUrl');
    return dlqUrl === undefined ? { queueUrl } : { queueUrl, dlqUrl };
  } finally {
    client.destroy();
  }
}

function required(value: string | undefined, problem: string): string {
  if (value === undefined || value === '') throw new Error(`createQueue: ${problem}`);
  return value;
}
