import { JobFailedError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { parseCurationResult, parseSemanticResult, type ResultSource } from '../../src/glue-job-result.js';

const SOURCE: ResultSource = {
  label: 'GlueJobRunner: job lean-ops-curation run jr_1 (topic telemetry)',
  uri: 's3://artifacts/job-results/curation/jr_1.json',
  runId: 'jr_1',
  topic: 'telemetry',
};

// As jobs/glue/lean_ops_jobs/results.py writes it (json.dumps, sorted keys).
const CURATION = {
  curated_snapshot_id: '8930417267512038593',
  curated_snapshot_sequence: 5,
  finished_at: '2024-03-01T12:00:00.000000Z',
  job: 'curation',
  job_run_id: 'jr_1',
  raw_seq: 12,
  raw_snapshot_id: '9007199254740993',
  records_rejected: 2,
  records_written: 40,
  topic: 'telemetry',
};

describe('Function: parseCurationResult', () => {
  it('maps the document to the curated snapshot and the records written', () => {
    expect(parseCurationResult(JSON.stringify(CURATION), SOURCE)).toEqual({
      curated_snapshot: { id: '8930417267512038593', sequence: 5 },
      records_written: 40,
    });
  });

  it.each([
    ['curated_snapshot_id', { curated_snapshot_id: 8930417267512038000 }],
    ['curated_snapshot_sequence', { curated_snapshot_sequence: -1 }],
    ['records_written', { records_written: '40' }],
    ['job_run_id', { job_run_id: undefined }],
  ])('fails with JobFailedError naming %s when it is wrong or missing', (field, change) => {
    const act = () => parseCurationResult(JSON.stringify({ ...CURATION, ...change }), SOURCE);

    expect(act).toThrow(JobFailedError);
    expect(act).toThrow(`${SOURCE.label}: result document ${SOURCE.uri} is malformed: ${field}: `);
  });

  it('fails with JobFailedError when the document is not JSON', () => {
    expect(() => parseCurationResult('{"curated_snapshot_id": ', SOURCE)).toThrow(
      `${SOURCE.label}: result document ${SOURCE.uri} is not JSON: `,
    );
  });

  it('refuses a document written by another run or for another topic', () => {
    for (const change of [{ job_run_id: 'jr_0' }, { topic: 'alerts' }]) {
      expect(() => parseCurationResult(JSON.stringify({ ...CURATION, ...change }), SOURCE)).toThrow(
        /belongs to run jr_\d of topic \w+, not this run/,
      );
    }
  });
});

describe('Function: parseSemanticResult', () => {
  const SEMANTIC = {
    job: 'semantic',
    job_run_id: 'jr_1',
    topic: 'telemetry',
    semantic_snapshot_id: '5764607523034234881',
    records_written: 7,
    records_rejected: 1,
    undeclared_columns: ['payload_a', 'payload_b'],
  };

  it('maps the document to records written, rejected and the undeclared columns', () => {
    expect(parseSemanticResult(JSON.stringify(SEMANTIC), SOURCE)).toEqual({
      records_written: 7,
      records_rejected: 1,
      undeclared_columns: ['payload_a', 'payload_b'],
    });
  });

  it('fails with JobFailedError naming a bad undeclared column entry', () => {
    const act = () => parseSemanticResult(JSON.stringify({ ...SEMANTIC, undeclared_columns: ['ok', 3] }), SOURCE);

    expect(act).toThrow(JobFailedError);
    expect(act).toThrow('is malformed: undeclared_columns[1]: ');
  });
});
