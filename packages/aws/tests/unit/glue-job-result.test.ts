import { JobFailedError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { parseCurationOutcomes, parseSemanticOutcomes, type ResultSource } from '../../src/glue-job-result.js';

const SOURCE: ResultSource = {
  label: 'GlueJobRunner: job lean-ops-curation run jr_1 (topics telemetry, alerts)',
  uri: 's3://artifacts/job-results/curation/jr_1.json',
  runId: 'jr_1',
  topics: ['telemetry', 'alerts'],
};

// As jobs/glue/lean_ops_jobs/batch.py writes a topic's outcome (json.dumps, sorted keys).
const TELEMETRY = {
  curated_snapshot_id: '8930417267512038593',
  curated_snapshot_sequence: 5,
  ok: true,
  raw_seq: 12,
  raw_snapshot_id: '9007199254740993',
  records_rejected: 2,
  records_written: 40,
  topic: 'telemetry',
};
const ALERTS = { ok: false, error: 'JobFailedError: curation of alerts (start → 9) failed: boom', topic: 'alerts' };

const documentOf = (topics: unknown[], overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    finished_at: '2024-03-01T12:00:00.000000Z',
    job: 'curation',
    job_run_id: 'jr_1',
    topics,
    ...overrides,
  });

const errorOf = (outcome: { ok: boolean; error?: Error } | undefined) =>
  outcome?.ok === false ? outcome.error : undefined;

describe('Function: parseCurationOutcomes', () => {
  it('gives one outcome per topic of the batch, in its order: results, and errors naming the topic', () => {
    const outcomes = parseCurationOutcomes(documentOf([ALERTS, TELEMETRY]), SOURCE);

    expect(outcomes[0]).toEqual({
      topic: 'telemetry',
      ok: true,
      result: { curated_snapshot: { id: '8930417267512038593', sequence: 5 }, records_written: 40 },
    });
    expect(errorOf(outcomes[1])).toBeInstanceOf(JobFailedError);
    expect(errorOf(outcomes[1])?.message).toBe(`${SOURCE.label}: topic alerts: ${ALERTS.error}`);
  });

  it.each([
    ['curated_snapshot_id', { curated_snapshot_id: 8930417267512038000 }],
    ['curated_snapshot_sequence', { curated_snapshot_sequence: -1 }],
    ['records_written', { records_written: '40' }],
  ])('fails only the topic whose entry has a wrong or missing %s', (field, change) => {
    const outcomes = parseCurationOutcomes(documentOf([{ ...TELEMETRY, ...change }, ALERTS]), SOURCE);

    expect(errorOf(outcomes[0])?.message).toContain(
      `${SOURCE.label}: topic telemetry: result document ${SOURCE.uri} is malformed: ${field}: `,
    );
    expect(outcomes[1]?.ok).toBe(false);
  });

  it('fails a topic the document has no outcome for', () => {
    const [, alerts] = parseCurationOutcomes(documentOf([TELEMETRY]), SOURCE);

    expect(errorOf(alerts)?.message).toBe(
      `${SOURCE.label}: topic alerts: result document ${SOURCE.uri} has no outcome for it`,
    );
  });

  it('fails the whole batch with JobFailedError when the document is not JSON or not a batch document', () => {
    expect(() => parseCurationOutcomes('{"topics": ', SOURCE)).toThrow(
      `${SOURCE.label}: result document ${SOURCE.uri} is not JSON: `,
    );
    const act = () => parseCurationOutcomes(documentOf([{ ok: true }]), SOURCE);
    expect(act).toThrow(JobFailedError);
    expect(act).toThrow(`${SOURCE.label}: result document ${SOURCE.uri} is malformed: topics[0].topic: `);
  });

  it('refuses a document written by another run', () => {
    expect(() => parseCurationOutcomes(documentOf([TELEMETRY, ALERTS], { job_run_id: 'jr_0' }), SOURCE)).toThrow(
      'belongs to run jr_0, not this run',
    );
  });
});

describe('Function: parseSemanticOutcomes', () => {
  const SEMANTIC = {
    ok: true,
    topic: 'telemetry',
    semantic_snapshot_id: '5764607523034234881',
    records_written: 7,
    records_rejected: 1,
    undeclared_columns: ['payload_a', 'payload_b'],
  };
  const source = { ...SOURCE, topics: ['telemetry'] };

  it('maps an entry to records written, rejected and the undeclared columns', () => {
    expect(parseSemanticOutcomes(documentOf([SEMANTIC], { job: 'semantic' }), source)).toEqual([
      {
        topic: 'telemetry',
        ok: true,
        result: { records_written: 7, records_rejected: 1, undeclared_columns: ['payload_a', 'payload_b'] },
      },
    ]);
  });

  it('fails the topic naming a bad undeclared column entry', () => {
    const [outcome] = parseSemanticOutcomes(documentOf([{ ...SEMANTIC, undeclared_columns: ['ok', 3] }]), source);

    expect(errorOf(outcome)?.message).toContain('is malformed: undeclared_columns[1]: ');
  });
});
