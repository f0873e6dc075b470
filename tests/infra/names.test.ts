import { describe, expect, it } from 'vitest';
import { stageNames } from '../../stacks/names';

describe('stageNames', () => {
  const prod = stageNames('prod');

  it("follows the ingest worker's lookup rule for queues and streams", () => {
    expect(prod.queue('telemetry')).toBe(`${prod.queuePrefix}telemetry`);
    expect(prod.dlq('telemetry')).toBe(`${prod.queuePrefix}telemetry-dlq`);
    expect(prod.firehoseStream('telemetry')).toBe(`${prod.firehoseStreamPrefix}telemetry`);
    expect(prod.firehoseStream('telemetry')).toBe('lean-ops-prod-raw-telemetry');
  });

  it('names the RAW table as contract §3 does and Glue databases with underscores only', () => {
    expect(prod.rawTable('telemetry')).toBe('telemetry_staging');
    expect(stageNames('pr-12').databases).toEqual({
      raw: 'lean_ops_pr_12_raw',
      curated: 'lean_ops_pr_12_curated',
      semantic: 'lean_ops_pr_12_semantic',
    });
  });

  it('names the state tables and jobs per stage', () => {
    expect(prod.tables).toEqual({
      checkpoints: 'lean-ops-prod-checkpoints',
      schemas: 'lean-ops-prod-schemas',
      driftLog: 'lean-ops-prod-drift_log',
    });
    expect(prod.glueJob('curation')).toBe('lean-ops-prod-curation');
  });

  it('gives two stages disjoint names, so they can share an account', () => {
    const dev = stageNames('dev');

    expect(dev.queue('t')).not.toBe(prod.queue('t'));
    expect(dev.firehoseStream('t')).not.toBe(prod.firehoseStream('t'));
    expect(dev.databases.raw).not.toBe(prod.databases.raw);
  });

  it('refuses a stream name longer than Firehose allows (64), naming it', () => {
    const longTopic = 'a'.repeat(50);

    expect(() => stageNames('prod').firehoseStream(longTopic)).toThrow(
      `firehoseStream name "lean-ops-prod-raw-${longTopic}" has 68 characters; AWS allows 64`,
    );
    expect(stageNames('prod').firehoseStream('a'.repeat(46))).toHaveLength(64);
  });

  it('refuses a DLQ name longer than SQS allows (80)', () => {
    expect(() => stageNames('a'.repeat(31)).dlq('t'.repeat(40))).toThrow('AWS allows 80');
  });
});
