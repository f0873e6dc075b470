import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import { describe, expect, it } from 'vitest';
import { parseSchedulerOptions, schedulerOptionsOf } from '../../src/index.js';

const REDIS = 'redis://127.0.0.1:6379';

describe('Function: schedulerOptionsOf', () => {
  it('takes the timer and the backlog rule from thresholds, the tuning from the scheduler section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scheduler-options-'));
    writeFileSync(
      join(dir, 'lean-ops.config.json'),
      JSON.stringify({
        topics: { sensors: {}, meters: {} },
        thresholds: { backlogRecords: 50, triggerIntervalSeconds: 60 },
        scheduler: { concurrency: 2 },
      }),
    );
    const options = parseSchedulerOptions(schedulerOptionsOf(loadConfig({ cwd: dir, env: {} }), REDIS));

    expect(options).toMatchObject({
      redisUrl: REDIS,
      topics: ['sensors', 'meters'],
      backlogRecords: 50,
      triggerIntervalSeconds: 60,
      concurrency: 2,
      attempts: 3,
      prefix: 'lean-ops',
    });
  });
});

describe('Function: parseSchedulerOptions', () => {
  const base = { redisUrl: REDIS, topics: ['sensors'], triggerIntervalSeconds: 0 };

  it('applies the backlog rule and default of thresholds.backlogRecords', () => {
    expect(parseSchedulerOptions(base).backlogRecords).toBe(10_000);
    expect(() => parseSchedulerOptions({ ...base, backlogRecords: 0 })).toThrow(/backlogRecords: .*>0/);
  });

  it('needs the timer from the deployment (0 turns it off)', () => {
    const { triggerIntervalSeconds: _timer, ...withoutTimer } = base;
    expect(() => parseSchedulerOptions(withoutTimer)).toThrow(/triggerIntervalSeconds: .*\(missing\)/);
    expect(parseSchedulerOptions(base).triggerIntervalSeconds).toBe(0);
  });
});
