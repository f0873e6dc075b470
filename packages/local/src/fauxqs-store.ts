import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A message attribute as fauxqs stores it (the SQS JSON protocol's shape: `BinaryValue` is base64). */
export interface StoredMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** The fields of a fauxqs message that persistence reads and restores. */
export interface FauxqsMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, StoredMessageAttribute>;
  md5OfMessageAttributes: string;
  sentTimestamp: number;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
  delayUntil?: number;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  sequenceNumber?: string;
}

/** The part of fauxqs's `SqsQueue` that persistence and the accepted hook use. */
export interface FauxqsQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  createdTimestamp: number;
  lastModifiedTimestamp: number;
  attributes: Record<string, string>;
  tags: Map<string, string>;
  inflightMessages: Map<string, { message: FauxqsMessage }>;
  sequenceCounter: number;
  isFifo(): boolean;
  enqueue(message: FauxqsMessage): void;
  dequeue(maxCount: number, visibilityTimeoutOverride?: number, dlqResolver?: unknown): Array<{ MessageId: string }>;
  deleteMessage(receiptHandle: string): boolean;
  purge(): void;
  setAttributes(attributes: Record<string, string>): void;
  inspectMessages(): {
    ready: FauxqsMessage[];
    delayed: FauxqsMessage[];
    inflight: Array<{ message: FauxqsMessage }>;
  };
}

/** The part of fauxqs's `SqsStore` that persistence and the accepted hook use. */
export interface FauxqsStore {
  readonly queues: Map<string, FauxqsQueue>;
  createQueue(
    name: string,
    url: string,
    arn: string,
    attributes?: Record<string, string>,
    tags?: Record<string, string>,
  ): FauxqsQueue;
  deleteQueue(url: string): boolean;
  getQueueByName(name: string): FauxqsQueue | undefined;
  buildQueueUrl(queueName: string, port: string, requestHost: string, region: string): string;
}

/**
 * A new fauxqs `SqsStore`, for `buildApp({ stores: { sqsStore } })`. fauxqs's package
 * exports only its app entry point, so the store's module is loaded by file from the
 * installed package (the same file `app.js` imports), found as Node resolves packages:
 * the nearest `node_modules/fauxqs` up from this file.
 */
export async function createFauxqsStore(): Promise<FauxqsStore> {
  const file = join(fauxqsRoot(), 'dist', 'sqs', 'sqsStore.js');
  const module = (await import(pathToFileURL(file).href)) as { SqsStore: new () => FauxqsStore };
  return new module.SqsStore();
}

function fauxqsRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'node_modules', 'fauxqs');
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(folder);
    if (parent === folder) throw new Error('fauxqs is not installed: no node_modules/fauxqs above packages/local');
    folder = parent;
  }
}
