import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const decoder = new TextDecoder();

/** Minimal shape of a Smithy HTTP request, as the SDK hands it to a request handler. */
interface SdkRequest {
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

export interface TransportCounters {
  receiveCalls: number;
  deleted: number;
  deleteCalls: number;
  putBatchCalls: number;
  putRecordCalls: number;
  recordsPut: number;
}

/**
 * An in-process stand-in for the SQS and Firehose endpoints, plugged into real
 * `@aws-sdk` clients as their `requestHandler`: every request is serialised and every
 * answer deserialised by the SDK as over HTTP, but no socket is opened, so a benchmark
 * measures the worker's own cost. Messages are generated on demand from their index, so
 * memory does not grow with the message count.
 */
export class InProcessTransport {
  readonly counters: TransportCounters = {
    receiveCalls: 0,
    deleted: 0,
    deleteCalls: 0,
    putBatchCalls: 0,
    putRecordCalls: 0,
    recordsPut: 0,
  };
  private next = 0;
  /** Message JSON fragments (body and its MD5) precomputed for a ring of indexes: the fake server's own cost stays out of the measurement. */
  private readonly ring: string[];
  private readonly redeliver: number[] = [];
  private readonly outstanding = new Set<number>();
  private drainedWaiters: Array<() => void> = [];

  constructor(
    private readonly total: number,
    bodyOf: (index: number) => string,
    private readonly firstIndex = 0,
  ) {
    this.ring = Array.from({ length: Math.min(total, RING) }, (_, i) => {
      const body = bodyOf(firstIndex + i);
      return `"Body":${JSON.stringify(body)},"MD5OfBody":"${createHash('md5').update(body, 'utf8').digest('hex')}"`;
    });
  }

  /** Resolves when every message was received and deleted. */
  whenDrained(): Promise<void> {
    if (this.counters.deleted >= this.total) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  // The SDK's HttpHandler contract (handle + config hooks).
  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
  destroy(): void {}

  async handle(
    request: SdkRequest,
  ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> {
    const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
    const text = typeof request.body === 'string' ? request.body : decoder.decode(request.body as Uint8Array);
    // A record batch is only counted (a real endpoint's parsing is not the worker's cost).
    const output =
      target === 'Firehose_20150804.PutRecordBatch'
        ? this.putBatch(countOccurrences(text, '"Data":'))
        : this.answer(target, JSON.parse(text) as Record<string, unknown>);
    const body = Readable.from([Buffer.from(typeof output === 'string' ? output : JSON.stringify(output))]);
    return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body } };
  }

  private answer(target: string, input: Record<string, unknown>): unknown {
    switch (target) {
      case 'AmazonSQS.ReceiveMessage':
        return this.receive(Number(input.MaxNumberOfMessages ?? 1));
      case 'AmazonSQS.DeleteMessageBatch': {
        const entries = input.Entries as Array<{ Id: string; ReceiptHandle: string }>;
        this.counters.deleteCalls += 1;
        for (const e of entries) this.delete(Number(e.ReceiptHandle));
        return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
      }
      case 'AmazonSQS.DeleteMessage':
        this.delete(Number(input.ReceiptHandle));
        return {};
      case 'AmazonSQS.ChangeMessageVisibilityBatch': {
        const entries = input.Entries as Array<{ Id: string; ReceiptHandle: string; VisibilityTimeout: number }>;
        for (const e of entries) if (e.VisibilityTimeout === 0) this.redeliver.push(Number(e.ReceiptHandle));
        return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
      }
      case 'AmazonSQS.GetQueueAttributes':
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(this.total - this.next),
            ApproximateNumberOfMessagesNotVisible: String(this.outstanding.size),
            ApproximateNumberOfMessagesDelayed: '0',
          },
        };
      case 'Firehose_20150804.PutRecord':
        this.counters.putRecordCalls += 1;
        this.counters.recordsPut += 1;
        return { RecordId: 'r', Encrypted: false };
      default:
        throw new Error(`in-process transport: unsupported operation ${target}`);
    }
  }

  private putBatch(records: number): string {
    this.counters.putBatchCalls += 1;
    this.counters.recordsPut += records;
    const responses = Array.from({ length: records }, (_, i) => `{"RecordId":"r${i}"}`).join(',');
    return `{"FailedPutCount":0,"Encrypted":false,"RequestResponses":[${responses}]}`;
  }

  /** Up to `max` messages as SQS's JSON answer, each with the body's MD5 as real SQS sends it. */
  private receive(max: number): string {
    this.counters.receiveCalls += 1;
    const messages: string[] = [];
    const sent = Date.now();
    while (messages.length < max) {
      const index = this.redeliver.pop() ?? (this.next < this.total ? this.next++ : undefined);
      if (index === undefined) break;
      this.outstanding.add(index);
      const id = this.firstIndex + index;
      messages.push(
        `{"MessageId":"msg-${id}","ReceiptHandle":"${index}",${this.ring[index % this.ring.length]},"Attributes":{"SentTimestamp":"${sent}","ApproximateReceiveCount":"1"}}`,
      );
    }
    return messages.length > 0 ? `{"Messages":[${messages.join(',')}]}` : '{}';
  }

  private delete(index: number): void {
    if (!this.outstanding.delete(index)) return;
    this.counters.deleted += 1;
    if (this.counters.deleted >= this.total) {
      const waiters = this.drainedWaiters;
      this.drainedWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** Distinct bodies the transport precomputes; message ids and receipt handles stay unique. */
const RING = 4096;

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

/** A ~1 KiB IoT telemetry body for message `index`. */
export function telemetryBody(index: number): string {
  const device = index % 1000;
  return JSON.stringify({
    topic: 'telemetry',
    device_id: `device-${String(device).padStart(5, '0')}`,
    event_timestamp: new Date(1_700_000_000_000 + index * 10).toISOString(),
    message_id: `m-${index}`,
    payload: {
      temperature: 20 + (index % 150) / 10,
      humidity: 40 + (index % 37),
      pressure: 1013.25 - (index % 11),
      battery_mv: 3700 - (index % 300),
      rssi: -60 - (index % 30),
      status: index % 97 === 0 ? 'warning' : 'ok',
      firmware: '4.2.17-lts',
      location: { lat: 47.3769 + device / 1e4, lon: 8.5417 - device / 1e4, alt: 408 },
      samples: Array.from({ length: 24 }, (_, i) => Math.round(((index + i) % 1000) * 1.7) / 10),
      tags: ['building-7', 'floor-3', 'zone-b', 'hvac'],
      note: 'x'.repeat(532),
    },
  });
}
