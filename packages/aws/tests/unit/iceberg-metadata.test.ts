import { PermanentError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import {
  currentIcebergSnapshot,
  icebergRecordsAddedAfter,
  icebergSnapshotById,
  icebergTableFigures,
} from '../../src/index.js';
import { icebergMetadataJson, TWO_SNAPSHOTS } from '../helpers/iceberg.js';

const LOCATION = 's3://lake/warehouse/curated.db/telemetry';
const SOURCE = `${LOCATION}/metadata/00002-9f1c.metadata.json`;

describe('Function: currentIcebergSnapshot', () => {
  it('returns the current snapshot’s 64-bit id digit for digit and its sequence number', () => {
    const text = icebergMetadataJson(LOCATION, TWO_SNAPSHOTS, '8930417267512038593');

    const current = currentIcebergSnapshot(text, SOURCE);

    expect(current).toEqual({ id: '8930417267512038593', sequence: 2 });
    // What a plain JSON.parse would have made of it:
    expect(String(JSON.parse(text)['current-snapshot-id'])).not.toBe('8930417267512038593');
  });

  it('picks the snapshot current-snapshot-id names, not the last one listed', () => {
    const text = icebergMetadataJson(LOCATION, TWO_SNAPSHOTS, '3051729675574597004');

    expect(currentIcebergSnapshot(text, SOURCE)).toEqual({ id: '3051729675574597004', sequence: 1 });
  });

  it.each(['-1', 'null'])('returns null when current-snapshot-id is %s (no snapshot yet)', (token) => {
    expect(currentIcebergSnapshot(icebergMetadataJson(LOCATION, [], token), SOURCE)).toBeNull();
  });

  it('returns null when current-snapshot-id is absent', () => {
    const text = JSON.stringify({ 'format-version': 2, location: LOCATION, snapshots: [] });

    expect(currentIcebergSnapshot(text, SOURCE)).toBeNull();
  });

  it('fails with PermanentError when the current snapshot has no sequence number (format v1)', () => {
    const text =
      '{"format-version": 1, "current-snapshot-id": 8930417267512038593, "snapshots": [{"snapshot-id": 8930417267512038593}]}';

    const act = () => currentIcebergSnapshot(text, SOURCE);

    expect(act).toThrow(PermanentError);
    expect(act).toThrow(`snapshot 8930417267512038593 has no sequence-number (format-version 1`);
  });

  it('fails with PermanentError when current-snapshot-id names no listed snapshot', () => {
    const text = icebergMetadataJson(LOCATION, TWO_SNAPSHOTS.slice(0, 1), '8930417267512038593');

    expect(() => currentIcebergSnapshot(text, SOURCE)).toThrow(
      `Iceberg metadata ${SOURCE}: current-snapshot-id 8930417267512038593 is not in snapshots[]`,
    );
  });

  it('fails with PermanentError naming the file and the field for documents that are not Iceberg metadata', () => {
    expect(() => currentIcebergSnapshot('<html>', SOURCE)).toThrow(`Iceberg metadata ${SOURCE} is not JSON`);
    expect(() => currentIcebergSnapshot('{"current-snapshot-id": 5}', SOURCE)).toThrow(
      `Iceberg metadata ${SOURCE} is malformed: format-version: `,
    );
  });

  it('sums added-records of the snapshots after a sequence (the curation backlog), 0 when none', () => {
    const json = icebergMetadataJson(
      's3://lake/raw',
      [
        { id: '3051729675574597004', sequence: 1, summary: { 'added-records': '500' } },
        { id: '8930417267512038593', sequence: 2, summary: { 'added-records': '120' } },
        { id: '9130417267512038593', sequence: 3, summary: { 'added-records': '7' } },
      ],
      '9130417267512038593',
    );
    expect(icebergRecordsAddedAfter(json, 'm.json', 0)).toBe(627);
    expect(icebergRecordsAddedAfter(json, 'm.json', 1)).toBe(127);
    expect(icebergRecordsAddedAfter(json, 'm.json', 3)).toBe(0);
  });
});

describe('Function: icebergTableFigures', () => {
  // The first snapshot's totals are 10 records, 999 bytes; the second's are given.
  const withTotals = (records: string, bytes: string) =>
    TWO_SNAPSHOTS.map((s, i) => ({
      ...s,
      summary:
        i === 0
          ? { 'total-records': '10', 'total-files-size': '999' }
          : { 'total-records': records, 'total-files-size': bytes },
    }));

  it('reads records and bytes from the current snapshot’s totals and counts the kept snapshots', () => {
    const text = icebergMetadataJson(LOCATION, withTotals('5000000123', '734003200'), '8930417267512038593');

    expect(icebergTableFigures(text, SOURCE)).toEqual({ records: 5_000_000_123, snapshots: 2, bytes: 734_003_200 });
  });

  it('reads the snapshot current-snapshot-id names, not the last one listed', () => {
    const text = icebergMetadataJson(LOCATION, withTotals('5', '6'), '3051729675574597004');

    expect(icebergTableFigures(text, SOURCE)).toEqual({ records: 10, snapshots: 2, bytes: 999 });
  });

  it('gives a table without a snapshot no records and no bytes', () => {
    expect(icebergTableFigures(icebergMetadataJson(LOCATION, [], '-1'), SOURCE)).toEqual({
      records: 0,
      snapshots: 0,
      bytes: 0,
    });
  });

  it('fails with PermanentError naming the snapshot and the field when a total is missing or not a count', () => {
    const missing = icebergMetadataJson(LOCATION, TWO_SNAPSHOTS, '8930417267512038593');
    const bad = icebergMetadataJson(LOCATION, withTotals('-3', '1'), '8930417267512038593');

    expect(() => icebergTableFigures(missing, SOURCE)).toThrow(PermanentError);
    expect(() => icebergTableFigures(missing, SOURCE)).toThrow(
      `Iceberg metadata ${SOURCE}: the summary of snapshot 8930417267512038593 has total-records missing, not a count`,
    );
    expect(() => icebergTableFigures(bad, SOURCE)).toThrow('has total-records "-3", not a count');
  });
});

describe('Function: icebergSnapshotById', () => {
  const text = icebergMetadataJson(LOCATION, TWO_SNAPSHOTS, '8930417267512038593');

  it('finds a kept snapshot by its 64-bit id, digit for digit, with its sequence number', () => {
    expect(icebergSnapshotById(text, SOURCE, '3051729675574597004')).toEqual({
      id: '3051729675574597004',
      sequence: 1,
    });
    expect(icebergSnapshotById(text, SOURCE, ' 8930417267512038593 ')).toEqual({
      id: '8930417267512038593',
      sequence: 2,
    });
  });

  it('gives null for an id the metadata does not keep (unknown or expired), also one that rounds to a kept id', () => {
    expect(icebergSnapshotById(text, SOURCE, '42')).toBeNull();
    expect(icebergSnapshotById(text, SOURCE, '8930417267512038600')).toBeNull();
  });

  it('fails with PermanentError for a snapshot without a sequence number (format v1)', () => {
    const v1 = '{"format-version": 1, "snapshots": [{"snapshot-id": 8930417267512038593}]}';
    expect(() => icebergSnapshotById(v1, SOURCE, '8930417267512038593')).toThrow(PermanentError);
  });
});
