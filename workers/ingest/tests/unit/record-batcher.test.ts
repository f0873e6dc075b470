import { encodeRawRecord, type RawRecord } from '@lean-ops/core';
import { describe, expect, it, vi } from 'vitest';
import { RecordBatcher } from '../../src/record-batcher.js';

const record = (topic: string, size = 10, id = 'x'): { encoded: ReturnType<typeof encodeRawRecord> } => {
  const r: RawRecord = {
    topic,
    idempotency_key: id,
    device_id: 'd',
    event_timestamp: '2024-01-01T00:00:00.000000Z',
    publish_time: '2024-01-01T00:00:00.000000Z',
    period_reference: '2024-01',
    json_payload: 'p'.repeat(size),
    ingested_at: '2024-01-01T00:00:00.000000Z',
    source_message_id: id,
  };
  return { encoded: encodeRawRecord(r) };
};

function batcher(
  limits: { maxRecords: number; maxBatchBytes: number; maxRecordBytes: number },
  lingerMs = 10_000,
  maxConcurrentFlushes = 4,
) {
  const batches: Array<Array<{ encoded: ReturnType<typeof encodeRawRecord> }>> = [];
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const b = new RecordBatcher({
    limits,
    lingerMs,
    maxConcurrentFlushes,
    flush: async (items) => {
      batches.push([...items]);
      await gate;
    },
  });
  return {
    b,
    batches,
    block: () => {
      gate = new Promise((r) => {
        release = r;
      });
    },
    unblock: () => release(),
  };
}

describe('Class: RecordBatcher', () => {
  it('seals a batch when it reaches the record-count limit', async () => {
    const { b, batches } = batcher({ maxRecords: 3, maxBatchBytes: 1e9, maxRecordBytes: 1e6 });
    for (let i = 0; i < 7; i++) b.add(record('t'));
    await Promise.resolve();
    expect(batches.map((x) => x.length)).toEqual([3, 3]);
    await b.flushAll();
    expect(batches.map((x) => x.length)).toEqual([3, 3, 1]);
  });

  it('seals before a record would push the batch over the byte limit', async () => {
    const one = record('t', 100).encoded.bytes;
    const { b, batches } = batcher({ maxRecords: 500, maxBatchBytes: one * 2 + 1, maxRecordBytes: 1e6 });
    for (let i = 0; i < 5; i++) b.add(record('t', 100));
    await b.flushAll();
    expect(batches.map((x) => x.length)).toEqual([2, 2, 1]);
    for (const batch of batches)
      expect(batch.reduce((s, r) => s + r.encoded.bytes, 0)).toBeLessThanOrEqual(one * 2 + 1);
  });

  it('refuses a record above the per-record limit', () => {
    const { b } = batcher({ maxRecords: 500, maxBatchBytes: 1e9, maxRecordBytes: 50 });
    expect(() => b.add(record('t', 100))).toThrow(/exceeds the sink's 50-byte limit/);
  });

  it('flushes on linger time, not before', async () => {
    vi.useFakeTimers();
    try {
      const { b, batches } = batcher({ maxRecords: 500, maxBatchBytes: 1e9, maxRecordBytes: 1e6 }, 20);
      b.add(record('t'));

      await vi.advanceTimersByTimeAsync(19);
      expect(batches).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps one batch per topic, filled from any number of callers', async () => {
    const { b, batches } = batcher({ maxRecords: 500, maxBatchBytes: 1e9, maxRecordBytes: 1e6 });
    for (let i = 0; i < 6; i++) b.add(record(i % 2 === 0 ? 'a' : 'b'));
    await b.flushAll();
    expect(batches.map((x) => [x[0]?.encoded.record.topic, x.length]).sort()).toEqual([
      ['a', 3],
      ['b', 3],
    ]);
  });

  it('counts buffered bytes until the flush finishes, and limits concurrent flushes', async () => {
    const { b, batches, block, unblock } = batcher(
      { maxRecords: 1, maxBatchBytes: 1e9, maxRecordBytes: 1e6 },
      10_000,
      2,
    );
    block();
    for (let i = 0; i < 5; i++) b.add(record('t'));
    await Promise.resolve();
    expect(batches).toHaveLength(2);
    expect(b.bufferedRecords).toBe(5);
    expect(b.bufferedBytes).toBe(5 * record('t').encoded.bytes);
    const done = b.flushAll();
    unblock();
    await new Promise((r) => setTimeout(r, 10));
    unblock();
    await new Promise((r) => setTimeout(r, 10));
    unblock();
    await done;
    expect(batches).toHaveLength(5);
    expect(b.bufferedBytes).toBe(0);
  });
});
