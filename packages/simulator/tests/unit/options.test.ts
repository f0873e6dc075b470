import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { parseSimulationOptions, runSimulation } from '../../src/index.js';

const base = { topics: ['sensors', 'gps'], count: 10 };

function issuesOf(input: unknown): readonly string[] {
  try {
    parseSimulationOptions(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('simulation options', () => {
  it('accepts a minimal fleet run and fills the defaults', () => {
    expect(parseSimulationOptions(base)).toMatchObject({
      region: 'us-east-1',
      concurrency: 8,
      maxRecordBytes: 1_024_000,
      maxMessageBytes: 1_048_576,
    });
  });

  it.each([
    [{ ...base, topics: ['Sensors'] }, /^topics\[0\]: expected a topic name/],
    [{ ...base, topics: ['a', 'a'] }, /^topics\[1\]: a is listed twice/],
    [{ ...base, topics: [] }, /^topics: /],
    [{ ...base, rate: 0 }, /^rate: .*\(got 0\)/],
    [{ ...base, devices: 1.5 }, /^devices: /],
    [{ ...base, durationMs: 1000 }, /^durationMs: give count or durationMs, not both/],
    [{ ...base, profile: 'wild' }, /^profile: .*\(got "wild"\)/],
    [{ ...base, faults: { late: 1.5 } }, /^faults\.late: /],
    [{ ...base, faults: { typo: 0.1 } }, /^faults\.typo: unknown key/],
    [{ ...base, faults: { late: 0.6, duplicate: 0.6 } }, /^faults: the fault rates add up to [0-9.]+, more than 1/],
    [{ ...base, maxRecordBytes: 1_048_000 }, /^maxRecordBytes: an oversize body .* must fit maxMessageBytes/],
    [{ ...base, schemaDrift: { at: 0.5, topics: ['nope'] } }, /^schemaDrift\.topics\[0\]: nope is not one of topics/],
    [{ ...base, bursts: { everyMs: 1000, lengthMs: 1000, multiplier: 2 } }, /^bursts\.lengthMs: must be less/],
    [{ ...base, queueUrl: 'http://h/1/q', queuePrefix: 'p-' }, /^queueUrl: give queueUrl or queuePrefix/],
    [{ ...base, endpoint: 'not a url' }, /^endpoint: /],
    [{ ...base, seed: -1 }, /^seed: /],
    [{ ...base, startTime: 'yesterday' }, /^startTime: /],
    [{ ...base, defaultTopic: 'sensors' }, /^defaultTopic: only used with input/],
    [{ topics: ['a'], input: 'f.jsonl', profile: 'chaos' }, /^profile: not used with input/],
    [{ topics: ['a'], input: 'f.jsonl', defaultTopic: 'b' }, /^defaultTopic: must be one of topics/],
    [{ ...base, colour: 'red' }, /^colour: unknown key/],
  ])('%j is refused, naming the option', (input, pattern) => {
    expect(issuesOf(input)).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
  });

  it('without count or durationMs, a fleet runs until stopped', () => {
    expect(parseSimulationOptions({ topics: ['a'] })).not.toHaveProperty('count');
  });

  it('an oversize body that cannot fit is fine when no oversize fault is injected', () => {
    expect(() => parseSimulationOptions({ ...base, maxRecordBytes: 1_048_000, faults: { oversize: 0 } })).not.toThrow();
  });

  it('runSimulation refuses bad options before connecting anywhere', async () => {
    await expect(runSimulation({ ...base, endpoint: 'http://127.0.0.1:1', rate: -1 })).rejects.toThrow(
      /Invalid simulation options:\n {2}- rate: /,
    );
  });
});
