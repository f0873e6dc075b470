import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/index.js';
import { type LocalQueues, startLocalQueues } from '../helpers/local-queues.js';

// Timing bounds stay within 2× either way: speed belongs in benchmarks.
describe('pacing', () => {
  let local: LocalQueues;

  beforeAll(async () => {
    local = await startLocalQueues('rate-', ['sensors']);
  });
  afterAll(() => local.close());

  it('roughly holds the target rate', async () => {
    // 300 messages at 200/s: the last is due at ~1.5 s.
    const started = performance.now();
    const summary = await runSimulation({
      topics: ['sensors'],
      queuePrefix: 'rate-',
      endpoint: local.sqs.endpoint,
      count: 300,
      rate: 200,
      profile: 'clean',
    });
    const seconds = (performance.now() - started) / 1000;
    expect(summary.sent).toBe(300);
    expect(seconds).toBeGreaterThan(1.5 / 2);
    expect(seconds).toBeLessThan(1.5 * 2);
  });

  it('a replay without a rate is not paced', async () => {
    const input = join(mkdtempSync(join(tmpdir(), 'rate-')), 'input.jsonl');
    writeFileSync(input, `${Array.from({ length: 200 }, (_, i) => `{"n":${i}}`).join('\n')}\n`);
    const paced = await runSimulation({
      topics: ['sensors'],
      queuePrefix: 'rate-',
      endpoint: local.sqs.endpoint,
      input,
      rate: 100,
    });
    const unpaced = await runSimulation({
      topics: ['sensors'],
      queuePrefix: 'rate-',
      endpoint: local.sqs.endpoint,
      input,
    });
    expect(paced.sent).toBe(200);
    expect(unpaced.sent).toBe(200);
    // 200 at 100/s take ~2 s; unpaced, far less.
    expect(paced.duration_ms).toBeGreaterThan(1_000);
    expect(unpaced.duration_ms).toBeLessThan(paced.duration_ms / 2);
  });
});
