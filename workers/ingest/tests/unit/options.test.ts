import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { parseIngestOptions } from '../../src/options.js';
import { retryDelaySeconds } from '../../src/retry-delay.js';

const queues = [{ topic: 'telemetry', url: 'http://localhost:1/q/telemetry' }];

describe('Function: parseIngestOptions', () => {
  it('applies defaults', () => {
    const o = parseIngestOptions({ queues });
    expect(o).toMatchObject({ pollersPerQueue: 4, waitTimeSeconds: 20, shutdownBudgetMs: 30_000, breakerThreshold: 5 });
  });
  it.each([
    [{ queues: [] }, /queues: /],
    [{ queues: [{ topic: 't', url: 'not a url' }] }, /queues\[0\]\.url: /],
    [{ queues, waitTimeSeconds: 21 }, /waitTimeSeconds: /],
    [{ queues, pollersPerQueue: 0 }, /pollersPerQueue: /],
    [
      { queues, visibilityTimeoutSeconds: 10, heartbeatIntervalMs: 10_000 },
      /heartbeatIntervalMs: must be less than visibilityTimeoutSeconds/,
    ],
    [{ queues, retryBaseDelaySeconds: 10, retryMaxDelaySeconds: 5 }, /retryBaseDelaySeconds: must not exceed/],
    [{ queues: [...queues, ...queues] }, /queues\[1\]\.url: listed twice/],
    [{ queues, lingerMS: 5 }, /lingerMS: unknown key/],
  ])('rejects %j naming the option', (input, message) => {
    expect(() => parseIngestOptions(input)).toThrow(ConfigError);
    expect(() => parseIngestOptions(input)).toThrow(message);
  });
});

describe('Function: retryDelaySeconds', () => {
  it('doubles with each receive from the base, up to the cap', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 10].map((n) => retryDelaySeconds(n, 2, 20, mid))).toEqual([2, 4, 8, 16, 20]);
  });
  it('jitters by ±20 % and never exceeds the cap', () => {
    expect(retryDelaySeconds(3, 10, 1000, () => 0)).toBe(32);
    expect(retryDelaySeconds(3, 10, 1000, () => 1)).toBe(48);
    expect(retryDelaySeconds(10, 10, 100, () => 1)).toBe(100);
  });
});
