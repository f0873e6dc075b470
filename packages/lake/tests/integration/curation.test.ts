import { afterEach, describe, expect, it } from 'vitest';
import type { DuckDbLake } from '../../src/index.js';
import { event, lakeWithLanding, rawOf } from '../helpers/raw-fixtures.js';

const T0 = Date.UTC(2024, 2, 1, 12);

describe('Class: DuckDbLake — RAW commits and curation (real DuckDB file)', () => {
  let lake: DuckDbLake | undefined;
  afterEach(async () => {
    await lake?.close();
  });

  const curatedRows = (l: DuckDbLake) =>
    l.query<Record<string, string | null>>(
      `SELECT * EXCLUDE (_raw_seq, ingested_at) FROM curated.telemetry ORDER BY idempotency_key`,
    );

  it('commits landed files as append snapshots and reads increments between them', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    const s1 = await h.append([rawOf(event('a', '2024-03-01T10:00:00Z', { v: 1 }), T0)]);
    const s2 = await h.append([
      rawOf(event('b', '2024-03-01T10:00:00Z', { v: 2 }), T0),
      rawOf(event('c', '2024-03-01T10:00:00Z', { v: 3 }), T0),
    ]);
    expect(s1?.sequence).toBeLessThan(s2?.sequence as number);
    expect(await lake.currentSnapshot('telemetry', 'raw')).toEqual(s2);
    const r1 = await lake.runCuration('telemetry', null, s1 as never);
    expect(r1.records_written).toBe(1);
    const r2 = await lake.runCuration('telemetry', s1, s2 as never);
    expect(r2.records_written).toBe(2);
    expect(r2.curated_snapshot.sequence).toBeGreaterThan(r1.curated_snapshot.sequence);
    expect((await curatedRows(lake)).map((r) => r.idempotency_key)).toEqual(['a', 'b', 'c']);
  });

  it('committing the same files again adds nothing (crash between commit and cleanup)', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    await h.append([rawOf(event('a', '2024-03-01T10:00:00Z', { v: 1 }), T0)]);
    const { listJsonlFiles } = await import('@lean-ops/local');
    const files = await listJsonlFiles(`${h.dir}/landing`);
    expect(await lake.commitRawFiles('telemetry', files)).toBeNull();
    expect(await lake.query('SELECT count(*)::INT AS n FROM raw.telemetry_staging')).toEqual([{ n: 1 }]);
  });

  it('keeps the newest version per key: duplicates, out-of-order arrivals and ties', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    const s1 = await h.append([
      rawOf(event('dup', '2024-03-01T10:00:00Z', { v: 'first' }), T0, 'm1'),
      rawOf(event('dup', '2024-03-01T10:00:00Z', { v: 'first' }), T0, 'm1'),
      rawOf(event('ooo', '2024-03-01T11:00:00Z', { v: 'newer' }), T0, 'm2'),
      rawOf(event('tie', '2024-03-01T10:00:00Z', { v: 'earlier publish' }), T0, 'm3'),
      rawOf(event('tie', '2024-03-01T10:00:00Z', { v: 'later publish' }), T0 + 1000, 'm4'),
      rawOf(event('tie2', '2024-03-01T10:00:00Z', { v: 'id a' }), T0, 'ma'),
      rawOf(event('tie2', '2024-03-01T10:00:00Z', { v: 'id b' }), T0, 'mb'),
    ]);
    await lake.runCuration('telemetry', null, s1 as never);
    // An older version of 'ooo' arrives later: it must not win.
    const s2 = await h.append([rawOf(event('ooo', '2024-03-01T09:00:00Z', { v: 'older' }), T0 + 5000, 'm5')]);
    await lake.runCuration('telemetry', s1, s2 as never);
    const rows = Object.fromEntries((await curatedRows(lake)).map((r) => [r.idempotency_key, r.v]));
    expect(rows).toEqual({ dup: 'first', ooo: 'newer', tie: 'later publish', tie2: 'id b' });
  });

  it('replaying an increment changes nothing', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    const s1 = await h.append([
      rawOf(event('a', '2024-03-01T10:00:00Z', { v: 1 }), T0),
      rawOf(event('b', '2024-03-01T10:00:00Z', { w: 2 }), T0),
    ]);
    await lake.runCuration('telemetry', null, s1 as never);
    const before = await curatedRows(lake);
    const again = await lake.runCuration('telemetry', null, s1 as never);
    expect(again.records_written).toBe(0);
    expect(await curatedRows(lake)).toEqual(before);
  });

  it('evolves the schema: new payload keys become STRING columns named by the contract rule', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    const s1 = await h.append([rawOf(event('a', '2024-03-01T10:00:00Z', { temperature: 21.5 }), T0)]);
    await lake.runCuration('telemetry', null, s1 as never);
    const s2 = await h.append([
      rawOf(event('b', '2024-03-01T10:00:00Z', { 'Battery Level%': 80, device_id: 'shadow', Ünïcode: 'ü' }), T0),
    ]);
    await lake.runCuration('telemetry', s1, s2 as never);
    expect(await lake.payloadColumns('telemetry')).toEqual([
      'temperature',
      '_n_code',
      'battery_level_',
      'payload_device_id',
    ]);
    const b = (await curatedRows(lake)).find((r) => r.idempotency_key === 'b');
    expect(b).toMatchObject({
      temperature: null,
      battery_level_: '80',
      payload_device_id: 'shadow',
      _n_code: 'ü',
      device_id: 'dev-1',
    });
  });

  it('writes values as the contract says: strings, numbers, booleans, null, objects and arrays', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    const s1 = await h.append([
      rawOf(
        event('a', '2024-03-01T10:00:00Z', {
          s: 'text "q"',
          n: 1.5,
          i: 42,
          big: 1e21,
          t: true,
          z: null,
          o: { x: [1, { y: 'ü' }] },
          arr: [1, 'two'],
        }),
        T0,
      ),
    ]);
    await lake.runCuration('telemetry', null, s1 as never);
    const [row] = await curatedRows(lake);
    expect(row).toMatchObject({
      s: 'text "q"',
      n: '1.5',
      i: '42',
      t: 'true',
      z: null,
      o: '{"x":[1,{"y":"ü"}]}',
      arr: '[1,"two"]',
    });
    expect(Number(row?.big)).toBe(1e21);
  });

  it('a winning version without a key blanks that column', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    const s1 = await h.append([rawOf(event('a', '2024-03-01T10:00:00Z', { temperature: 20, humidity: 40 }), T0)]);
    await lake.runCuration('telemetry', null, s1 as never);
    const s2 = await h.append([rawOf(event('a', '2024-03-01T11:00:00Z', { temperature: 22 }), T0 + 1)]);
    await lake.runCuration('telemetry', s1, s2 as never);
    expect((await curatedRows(lake))[0]).toMatchObject({ temperature: '22', humidity: null });
  });

  it('sends a RAW row whose json_payload does not parse to rejects, without failing the job', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    const good = rawOf(event('good', '2024-03-01T10:00:00Z', { v: 1 }), T0);
    const s1 = await h.append([
      good,
      { ...good, idempotency_key: 'bad', json_payload: '{not json', source_message_id: 'mx' },
      { ...good, idempotency_key: 'arr', json_payload: '{"payload":[1]}', source_message_id: 'my' },
    ]);
    const result = await lake.runCuration('telemetry', null, s1 as never);
    expect(result.records_written).toBe(1);
    expect(await lake.query('SELECT idempotency_key, reason FROM curated.telemetry_rejects ORDER BY 1')).toEqual([
      { idempotency_key: 'arr', reason: 'invalid_payload' },
      { idempotency_key: 'bad', reason: 'invalid_payload' },
    ]);
  });
});
