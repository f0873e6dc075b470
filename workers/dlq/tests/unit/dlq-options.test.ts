import { describe, expect, it } from 'vitest';
import { parseDlqOptions, readDlqSettings } from '../../src/index.js';

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

describe('Function: readDlqSettings', () => {
  it('reads LEAN_OPS_DLQ_* and lets flags win', () => {
    expect(
      readDlqSettings(
        { LEAN_OPS_DLQ_MAX_ATTEMPTS: '7', LEAN_OPS_DLQ_BACKOFF_MAX_SECONDS: '300', LEAN_OPS_DLQ_METRICS_PORT: '9999' },
        { maxAttempts: '2' },
      ),
    ).toEqual({ tuning: { maxAttempts: 2, backoffMaxSeconds: 300 }, metricsPort: 9999 });
    expect(readDlqSettings({})).toEqual({ tuning: {}, metricsPort: 9465 });
  });

  it('names the variable of a bad value', () => {
    expect(() => readDlqSettings({ LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS: '1.5' })).toThrow(
      /LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS/,
    );
    expect(() => readDlqSettings({ LEAN_OPS_DLQ_METRICS_PORT: '70000' })).toThrow(/LEAN_OPS_DLQ_METRICS_PORT/);
  });
});
