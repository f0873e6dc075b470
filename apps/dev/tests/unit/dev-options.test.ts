import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { parseDevOptions } from '../../src/index.js';

describe('lean-ops dev options', () => {
  it('has defaults a laptop can run', () => {
    expect(parseDevOptions({})).toMatchObject({
      dataDir: '.lean-ops',
      rate: 50,
      devices: 20,
      durationSeconds: 0,
      profile: 'default',
      untilIdle: false,
      statusPort: 8470,
      metricsPort: 9464,
      sqsPort: 9324,
    });
  });

  it('takes --rate 0 (no simulator) and a fixed or free SQS port', () => {
    expect(parseDevOptions({ rate: 0, untilIdle: true, durationSeconds: 1 })).toMatchObject({
      rate: 0,
      untilIdle: true,
    });
    expect(parseDevOptions({ sqsPort: 0 }).sqsPort).toBe(0);
    expect(() => parseDevOptions({ sqsPort: 65_536 })).toThrow(/sqsPort/);
    expect(() => parseDevOptions({ rate: 0, untilIdle: true })).toThrow(/with --rate 0 the wait for your own clients/);
  });

  it('refuses --until-idle when the simulator would never stop', () => {
    const err = (() => {
      try {
        parseDevOptions({ untilIdle: true });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/untilIdle.*needs --duration or --input/);
    expect(parseDevOptions({ untilIdle: true, durationSeconds: 5 }).untilIdle).toBe(true);
    expect(parseDevOptions({ untilIdle: true, input: 'in.jsonl' }).input).toBe('in.jsonl');
  });

  it('names each bad option', () => {
    expect(() => parseDevOptions({ rate: -1, redisUrl: 'http://x', statusPort: 70_000 })).toThrow(
      /rate[\s\S]*redisUrl[\s\S]*statusPort/,
    );
  });
});
