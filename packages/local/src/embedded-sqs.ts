import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '@lean-ops/core';

export interface EmbeddedSqsOptions {
  /** @defaultValue 0 (a free port) */
  readonly port?: number;
  /** @defaultValue "127.0.0.1" */
  readonly host?: string;
}

export interface EmbeddedSqs {
  /** Endpoint URL for `@aws-sdk/client-sqs` (`endpoint` option). */
  readonly endpoint: string;
  /** Creates queue `name` and `name-dlq` with redrive after `maxReceiveCount` receives; idempotent. */
  createTopicQueue(
    name: string,
    options?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number },
  ): Promise<{ url: string; dlqUrl: string }>;
  close(): Promise<void>;
}

/** Credentials an emulator accepts; real AWS never sees them. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The embedded SQS-compatible endpoint of local mode: fauxqs (SQS JSON protocol, long
 * polling, redrive to a DLQ) in this process, on loopback. Workers talk to it with the
 * same `@aws-sdk` clients they use against AWS.
 */
export async function startEmbeddedSqs(options: EmbeddedSqsOptions = {}): Promise<EmbeddedSqs> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('embedded SQS options', [`port: expected an integer 0–65535 (got ${port})`]);
  }
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false });
  const address = await app.listen({ port, host: options.host ?? '127.0.0.1' });
  const endpoint = address.replace('localhost', '127.0.0.1');
  const client = new SQSClient({ region: 'us-east-1', endpoint, credentials: LOCAL_CREDENTIALS });
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    async createTopicQueue(name, queueOptions = {}) {
      const dlq = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
      const dlqUrl = dlq.QueueUrl as string;
      const arn = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
      const queue = await client.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: String(queueOptions.visibilityTimeoutSeconds ?? 30),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: arn.Attributes?.QueueArn,
              maxReceiveCount: String(queueOptions.maxReceiveCount ?? 5),
            }),
          },
        }),
      );
      return { url: queue.QueueUrl as string, dlqUrl };
    },
    close() {
      closing ??= (async () => {
        client.destroy();
        await app.close();
      })();
      return closing;
    },
  };
}
