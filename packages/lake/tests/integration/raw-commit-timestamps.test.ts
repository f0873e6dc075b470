import { formatMicros, MAX_MICROS, MIN_MICROS, type RawRecord } from '@lean-ops/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakeWithLanding } from '../helpers/raw-fixtures.js';

type Harness = Awaited<ReturnType<typeof lakeWithLanding>>;

const instant = fc.bigInt({ min: MIN_MICROS, max: MAX_MICROS });

const record = (key: string, event: bigint, publish: bigint, ingested: bigint): RawRecord => ({
  topic: 'telemetry',
  idempotency_key: key,
  device_id: 'dev-1',
  event_timestamp: formatMicros(event),
  publish_time: formatMicros(publish),
  period_reference: formatMicros(event).slice(0, 7),
  json_payload: '{"payload":{}}',
  ingested_at: formatMicros(ingested),
  source_message_id: `m-${key}`,
});

describe('Class: DuckDbLake — RAW commit reads the wire timestamps (real DuckDB file)', () => {
  let h: Harness;
  let batch = 0;
  beforeAll(async () => {
    h = await lakeWithLanding();
  });
  afterAll(async () => {
    await h.lake.close();
  });

  /** Lands records through the landing sink (core's encoder), commits them, reads them back as µs. */
  async function roundTrip(records: readonly RawRecord[]) {
    const snapshot = await h.append(records);
    if (!snapshot) throw new Error('nothing committed');
    return h.lake.query<{ idempotency_key: string; e: string; p: string; i: string; t: string }>(
      `SELECT idempotency_key, epoch_us(event_timestamp)::VARCHAR AS e, epoch_us(publish_time)::VARCHAR AS p,
              epoch_us(ingested_at)::VARCHAR AS i, typeof(event_timestamp) AS t
       FROM raw.telemetry_staging WHERE _snapshot_seq = ${snapshot.sequence} ORDER BY idempotency_key`,
    );
  }

  it('keeps the ends of the contract range and the microseconds past 2^53 exactly', async () => {
    const rows = await roundTrip([
      record('a-min', MIN_MICROS, MIN_MICROS + 1n, -1n),
      record('b-max', MAX_MICROS, MAX_MICROS - 1n, 0n),
    ]);
    expect(rows).toEqual([
      {
        idempotency_key: 'a-min',
        e: String(MIN_MICROS),
        p: String(MIN_MICROS + 1n),
        i: '-1',
        t: 'TIMESTAMP WITH TIME ZONE',
      },
      {
        idempotency_key: 'b-max',
        e: String(MAX_MICROS),
        p: String(MAX_MICROS - 1n),
        i: '0',
        t: 'TIMESTAMP WITH TIME ZONE',
      },
    ]);
  });

  it('property: every instant of 0001-9999 lands and commits as the same microsecond', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(instant, instant, instant), { minLength: 1, maxLength: 20 }),
        async (times) => {
          batch++;
          const records = times.map(([e, p, i], n) => record(`${batch}-${String(n).padStart(2, '0')}`, e, p, i));
          const rows = await roundTrip(records);
          expect(rows.map((r) => [r.e, r.p, r.i])).toEqual(times.map(([e, p, i]) => [String(e), String(p), String(i)]));
        },
      ),
      { numRuns: 40 },
    );
  });
});
