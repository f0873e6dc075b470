import { describe, expect, it } from 'vitest';
import { parseDlqOptions } from '../../src/index.js';

const queues = [{ topic: 'telemetry', url: 'http://q/telemetry', dlqUrl: 'http://q/telemetry-dlq' }];

describe('Function: parseDlqOptions', () => {
  it('fills in the defaults', () => {
    expect(parseDlqOptions({ queues })).toMatchObject({
      maxAttempts: 5,
      backoffBaseSeconds: 60,
      backoffMaxSeconds: 900,
      failureRetrySeconds: 30,
      waitTimeSeconds: 20,
      visibilityTimeoutSeconds: 60,
      maxInFlightMessages: 100,
      shutdownBudgetMs: 30_000,
    });
  });

  it.each([
    [{ queues, backoffMaxSeconds: 901 }, /backoffMaxSeconds/],
    [
      { queues, backoffBaseSeconds: 120, backoffMaxSeconds: 60 },
      /backoffBaseSeconds: must not exceed backoffMaxSeconds/,
    ],
    [{ queues, maxAttempts: -1 }, /maxAttempts/],
    [{ queues, waitTimeSeconds: 21 }, /waitTimeSeconds/],
    [{ queues: [] }, /queues/],
    [{ queues: [{ topic: 't', url: 'http://q/t' }] }, /queues\[0\]\.dlqUrl/],
    [{ queues: [queues[0], { ...queues[0], dlqUrl: 'http://q/other' }] }, /queues\[1\]\.topic: listed twice/],
    [{ queues, maxAtempts: 3 }, /maxAtempts/],
  ])('throws ConfigError naming the bad option: %j', (input, message) => {
    expect(() => parseDlqOptions(input)).toThrow(message);
    expect(() => parseDlqOptions(input)).toThrow(expect.objectContaining({ name: 'ConfigError' }));
  });
});
