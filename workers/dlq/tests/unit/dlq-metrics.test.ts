import { createRegistry } from '@lean-ops/metrics';
import { describe, expect, it } from 'vitest';
import { createDlqMetrics } from '../../src/dlq-metrics.js';

describe('Function: createDlqMetrics', () => {
  it("starts every topic's counters at 0, so the first failure shows in rate()", async () => {
    const registry = createRegistry({ collectDefault: false });
    createDlqMetrics(registry, ['alpha']);
    const text = await registry.metrics();
    for (const name of [
      'dlq_messages_received_total',
      'dlq_messages_redriven_total',
      'dlq_messages_retried_total',
      'dlq_delete_failures_total',
    ]) {
      expect(text).toContain(`leanops_${name}{topic="alpha"} 0`);
    }
  });
});
