import { createRegistry } from '@lean-ops/metrics';
import { describe, expect, it } from 'vitest';
import { createIngestMetrics } from '../../src/index.js';

describe('Function: createIngestMetrics', () => {
  it("starts every topic's counters at 0, so the first failure shows in rate()", async () => {
    const registry = createRegistry({ collectDefault: false });
    createIngestMetrics(registry, ['alpha', 'beta']);
    const text = await registry.metrics();
    for (const name of ['received_total', 'acknowledged_total', 'retried_total']) {
      for (const topic of ['alpha', 'beta']) {
        expect(text).toContain(`leanops_ingest_messages_${name}{topic="${topic}"} 0`);
      }
    }
    expect(text).toContain('leanops_ingest_delete_failures_total{topic="beta"} 0');
  });

  it('creates no series without topics', async () => {
    const registry = createRegistry({ collectDefault: false });
    createIngestMetrics(registry);
    expect(await registry.metrics()).not.toMatch(/leanops_ingest_messages_retried_total\{/);
  });
});
