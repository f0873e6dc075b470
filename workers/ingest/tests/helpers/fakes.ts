import type {
  EncodedRecord,
  FailedRecord,
  MessageAcknowledger,
  Quarantine,
  QuarantineEntry,
  ReceivedMessage,
  RecordSink,
  SinkLimits,
} from '@lean-ops/core';
import { RetryableError } from '@lean-ops/core';
import { createRegistry } from '@lean-ops/metrics';
import { silentLogger } from '@lean-ops/testkit';
import { createIngestMetrics } from '../../src/ingest-metrics.js';
import { IngestPipeline } from '../../src/ingest-pipeline.js';
import { type IngestOptionsInput, parseIngestOptions } from '../../src/options.js';

/** One shared, ordered log of what happened, to assert on ordering (e.g. ack after put). */
export type Event =
  | { kind: 'put'; ids: string[] }
  | { kind: 'quarantine'; ids: string[] }
  | { kind: 'ack'; ids: string[] }
  | { kind: 'retry'; ids: string[]; delay: number }
  | { kind: 'extend'; ids: string[] };

const idsOf = (messages: readonly ReceivedMessage[]) => messages.map((m) => m.sourceMessageId);

/** In-memory stand-in for the record-sink port (no AWS involved); behaviour is programmable. */
export class FakeSink implements RecordSink {
  readonly name = 'fake';
  readonly written: EncodedRecord[] = [];
  calls = 0;
  /** Decides per call: throw, or reject some indexes. */
  behaviour: (records: readonly EncodedRecord[], call: number) => FailedRecord[] | Error = () => [];
  constructor(
    private readonly events: Event[],
    readonly limits: SinkLimits = { maxRecords: 500, maxBatchBytes: 4 * 1024 * 1024, maxRecordBytes: 1_000 * 1024 },
  ) {}
  async putBatch(records: readonly EncodedRecord[]) {
    this.calls += 1;
    await new Promise((r) => setImmediate(r));
    const outcome = this.behaviour(records, this.calls);
    if (outcome instanceof Error) throw outcome;
    const failed = new Set(outcome.map((f) => f.index));
    const accepted = records.filter((_, i) => !failed.has(i));
    this.written.push(...accepted);
    this.events.push({ kind: 'put', ids: accepted.map((r) => r.record.source_message_id) });
    return { failed: outcome };
  }
  async close() {}
}

export class FakeQuarantine implements Quarantine {
  readonly entries: QuarantineEntry[] = [];
  fail = false;
  constructor(private readonly events: Event[]) {}
  async put(entries: readonly QuarantineEntry[]) {
    if (this.fail) throw new RetryableError('quarantine down');
    this.entries.push(...entries);
    this.events.push({ kind: 'quarantine', ids: entries.map((e) => e.source_message_id) });
  }
  async close() {}
}

export class FakeAcknowledger implements MessageAcknowledger {
  constructor(private readonly events: Event[]) {}
  async ack(messages: readonly ReceivedMessage[]) {
    this.events.push({ kind: 'ack', ids: idsOf(messages) });
  }
  async retryLater(messages: readonly ReceivedMessage[], delaySeconds: number) {
    this.events.push({ kind: 'retry', ids: idsOf(messages), delay: delaySeconds });
  }
  async extend(messages: readonly ReceivedMessage[]) {
    this.events.push({ kind: 'extend', ids: idsOf(messages) });
  }
}

let counter = 0;
export function received(
  body: string | Record<string, unknown>,
  overrides: Partial<ReceivedMessage> = {},
): ReceivedMessage {
  counter += 1;
  return {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    sourceMessageId: `m${counter}`,
    publishTimeMs: Date.now(),
    queue: 'http://sqs.local/000000000000/telemetry',
    receiptHandle: `rh-${counter}`,
    receiveCount: 1,
    ...overrides,
  };
}

export const validBody = (i: number, topic = 'telemetry') => ({
  topic,
  device_id: `dev-${i % 7}`,
  event_timestamp: 1_700_000_000_000 + i,
  payload: { temperature: 20 + (i % 10), seq: i },
});

export { silentLogger };

/** A pipeline wired to fakes; returns everything a test needs to assess. */
export function pipelineWithFakes(options: Partial<IngestOptionsInput> = {}, limits?: SinkLimits) {
  const events: Event[] = [];
  const sink = new FakeSink(events, limits);
  const quarantine = new FakeQuarantine(events);
  const acknowledger = new FakeAcknowledger(events);
  const registry = createRegistry({ collectDefault: false });
  const metrics = createIngestMetrics(registry);
  const parsed = parseIngestOptions({
    queues: [{ topic: 'telemetry', url: 'http://sqs.local/000000000000/telemetry' }],
    lingerMs: 5,
    ...options,
  });
  const pipeline = new IngestPipeline({
    sink,
    quarantine,
    acknowledger,
    isKnownTopic: (t) => t === 'telemetry' || t === 'alerts',
    metrics,
    logger: silentLogger(),
    options: parsed,
    random: () => 0.5,
  });
  return { events, sink, quarantine, acknowledger, registry, metrics, pipeline, options: parsed };
}

export const allIds = (events: Event[], kind: Event['kind']) =>
  events.filter((e) => e.kind === kind).flatMap((e) => e.ids);
