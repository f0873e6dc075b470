import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { parseIngestOptions } from '../../src/options.js';

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
