import { afterEach, describe, expect, it } from 'vitest';
import { validBody } from '../helpers/fakes.js';
import { startHarness } from '../helpers/harness.js';

type Harness = Awaited<ReturnType<typeof startHarness>>;

describe('IngestWorker: bodies with supplementary-plane characters (real SQS-protocol server, real files)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('lands a body with emoji and U+10FFFF in RAW byte for byte', async () => {
    h = await startHarness();
    const bodies = ['überhitzt 🔥', 'ok \u{1F600}\u{10000}\u{10FFFF} \uE000\uFFFD\uD7FF\t'].map((status, i) =>
      JSON.stringify({ ...validBody(i), payload: { temperature: 71.5, status } }),
    );
    h.worker.start();
    await h.send(bodies);
    await h.waitFor('2 landed records', async () => (await h?.landed())?.length === 2);
    const landed = (await h.landed()).map((r) => r.json_payload).sort();
    expect(landed).toEqual([...bodies].sort());
    for (const [i, payload] of landed.entries()) {
      expect(Buffer.from(payload, 'utf8').equals(Buffer.from([...bodies].sort()[i] as string, 'utf8'))).toBe(true);
    }
    expect(await h.quarantined()).toEqual([]);
  });
});
