import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from './aws-client-config.js';
import { idempotentStop, type TestServer } from './test-server.js';

/**
 * Starts fauxqs (an in-memory SQS emulator speaking the SQS JSON protocol; it serves S3
 * on the same endpoint) in this process, on a free port of 127.0.0.1.
 */
export async function startSqsServer(): Promise<TestServer> {
  let fauxqs: typeof import('fauxqs');
  try {
    fauxqs = await import('fauxqs');
  } catch (err) {
    throw new Error(
      'startSqsServer: the npm package fauxqs (1.9.2) is not installed. Run `npm ci` at the repository root ' +
        '(it is a dependency of @lean-ops/testkit).',
      { cause: err },
    );
  }
  // buildApp (rather than startFauxqs) so that the server listens on loopback only.
  const app = fauxqs.buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const endpoint = address.replace('localhost', '127.0.0.1');
  return { endpoint, stop: idempotentStop(() => app.close()) };
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
