import type { AddressInfo } from 'node:net';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ConfigError } from '@lean-ops/core';
import type { BuildAppOptions } from 'fauxqs';
import { createFauxqsStore } from './fauxqs-store.js';
import { type AcceptedListener, instrumentSqsStore } from './persistent-sqs-store.js';
import { SqsJournal } from './sqs-journal.js';

export interface EmbeddedSqsOptions {
  /**
   * A fixed port, e.g. 9324, so clients keep one endpoint across restarts; a port another
   * process holds fails with {@link SqsPortInUseError}.
   * @defaultValue 0 (a free port)
   */
  readonly port?: number;
  /** @defaultValue "127.0.0.1" */
  readonly host?: string;
  /**
   * Keep the queues in this directory (file `sqs-journal.jsonl`, lock `sqs.lock`) as SQS
   * keeps messages: queue definitions and every message not yet deleted survive a kill of
   * the process, and a start with the same dir delivers them again (messages in flight at
   * the kill become visible, as after their visibility timeout; DLQ messages stay in the
   * DLQ). Without it the queues live in memory only.
   */
  readonly dataDir?: string;
  /**
   * Called synchronously for every message a queue accepts from SendMessage or
   * SendMessageBatch of any client (and SNS deliveries), with the queue's name and the
   * message attributes as sent (`BinaryValue` base64). Not called for moves to a DLQ nor
   * for messages restored from `dataDir`. It must not throw: an exception is reported as
   * a process warning, since the message is already in the queue.
   */
  readonly accepted?: AcceptedListener;
  /**
   * Compact the journal once it grew by this many bytes (and past twice its live size).
   * @defaultValue 64 MiB
   */
  readonly compactJournalAfterBytes?: number;
}

export interface EmbeddedSqs {
  /** Endpoint URL for `@aws-sdk/client-sqs` (`endpoint` option), e.g. `http://127.0.0.1:9324`. */
  readonly endpoint: string;
  /** The port it listens on (the one asked for, or the one the OS chose). */
  readonly port: number;
  /** Creates queue `name` and `name-dlq` with redrive after `maxReceiveCount` receives; idempotent (a kept queue takes the new settings). */
  createTopicQueue(
    name: string,
    options?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number },
  ): Promise<{ url: string; dlqUrl: string }>;
  /** Messages accepted per queue name since this start, from any client (see {@link EmbeddedSqsOptions.accepted}). */
  acceptedCounts(): ReadonlyMap<string, number>;
  /** Stops listening and, with a `dataDir`, syncs and closes the journal; idempotent. */
  close(): Promise<void>;
}

/** The fixed port asked for is held by another process. */
export class SqsPortInUseError extends Error {
  override name = 'SqsPortInUseError';
  constructor(
    readonly port: number,
    host: string,
    options: { cause: unknown },
  ) {
    super(
      `SQS endpoint port ${port} is in use: another process listens on ${host}:${port}; stop it or choose another port`,
      options,
    );
  }
}

/** Credentials an emulator accepts; real AWS never sees them. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The embedded SQS-compatible endpoint of local mode: fauxqs (SQS JSON protocol, long
 * polling, redrive to a DLQ), patched at install to accept what SQS accepts
 * (patches/fauxqs+*.patch), in this process, on loopback. Workers talk to it with the
 * same `@aws-sdk` clients they use against AWS.
 */
export async function startEmbeddedSqs(options: EmbeddedSqsOptions = {}): Promise<EmbeddedSqs> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const issues: string[] = [];
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    issues.push(`port: expected an integer 0–65535 (got ${port})`);
  }
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || options.dataDir.length === 0)) {
    issues.push('dataDir: expected a directory path');
  }
  if (options.accepted !== undefined && typeof options.accepted !== 'function') {
    issues.push('accepted: expected a function (queueName, messageAttributes) => void');
  }
  const compactAfter = options.compactJournalAfterBytes;
  if (compactAfter !== undefined && (!Number.isInteger(compactAfter) || compactAfter < 1)) {
    issues.push(`compactJournalAfterBytes: expected a positive integer (got ${compactAfter})`);
  }
  if (issues.length > 0) throw new ConfigError('embedded SQS options', issues);

  const { buildApp } = await import('fauxqs');
  const store = await createFauxqsStore();
  const opened = options.dataDir
    ? SqsJournal.open(options.dataDir, compactAfter === undefined ? {} : { compactAfterBytes: compactAfter })
    : undefined;
  const instrumented = instrumentSqsStore(store, { journal: opened?.journal, accepted: options.accepted });
  const app = buildApp({ logger: false, stores: { sqsStore: store } } as unknown as BuildAppOptions);
  // A request that arrives before the kept queues are restored waits for them.
  let restored = opened === undefined;
  let markRestored: () => void = () => {};
  const restoredSignal = new Promise<void>((resolve) => {
    markRestored = resolve;
  });
  app.addHook('onRequest', (_request: unknown, _reply: unknown, done: () => void) => {
    if (restored) done();
    else void restoredSignal.then(() => done());
  });
  let listening: { address: string; port: number };
  try {
    const address = await app.listen({ port, host });
    listening = { address, port: (app.server.address() as AddressInfo).port };
  } catch (error) {
    opened?.journal.close();
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new SqsPortInUseError(port, host, { cause: error });
    throw error;
  }
  if (opened) {
    instrumented.restore(opened.state, listening.port);
    opened.journal.setSnapshotSource(instrumented.snapshot);
    restored = true;
    markRestored();
  }
  const endpoint = listening.address.replace('localhost', '127.0.0.1');
  const client = new SQSClient({ region: 'us-east-1', endpoint, credentials: LOCAL_CREDENTIALS });
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    port: listening.port,
    async createTopicQueue(name, queueOptions = {}) {
      const dlqUrl = await createOrUpdateQueue(client, `${name}-dlq`, {});
      const arn = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
      const url = await createOrUpdateQueue(client, name, {
        VisibilityTimeout: String(queueOptions.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: arn.Attributes?.QueueArn,
          maxReceiveCount: String(queueOptions.maxReceiveCount ?? 5),
        }),
      });
      return { url, dlqUrl };
    },
    acceptedCounts: () => new Map(instrumented.acceptedCounts),
    close() {
      closing ??= (async () => {
        client.destroy();
        try {
          await app.close();
        } finally {
          opened?.journal.close();
        }
      })();
      return closing;
    },
  };
}

/** CreateQueue; a queue kept from an earlier run with other settings takes these settings. */
async function createOrUpdateQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  try {
    const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return created.QueueUrl as string;
  } catch (error) {
    if ((error as Error).name !== 'QueueNameExists') throw error;
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl as string;
  }
}
