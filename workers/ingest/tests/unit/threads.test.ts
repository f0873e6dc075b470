import { describe, expect, it } from 'vitest';
import { renderMerged, resolveThreadCount } from '../../src/index.js';

describe('worker threads', () => {
  it('merges the threads’ metrics: sums series, keeps the worst breaker state', () => {
    const thread = (received: number, breaker: number) => [
      {
        name: 'leanops_ingest_messages_received_total',
        help: 'Messages received from SQS.',
        type: 'counter',
        values: [{ value: received, labels: { topic: 'a"b' } }],
      },
      { name: 'leanops_sink_breaker_state', help: 'Breaker.', type: 'gauge', values: [{ value: breaker, labels: {} }] },
    ];
    const text = renderMerged([thread(3, 0), thread(4, 2)]);
    expect(text).toContain('leanops_ingest_messages_received_total{topic="a\\"b"} 7');
    expect(text).toContain('leanops_sink_breaker_state 2');
    expect(text).toContain('# TYPE leanops_ingest_messages_received_total counter');
  });

  it('0 threads means one per core', () => {
    expect(resolveThreadCount(0)).toBeGreaterThanOrEqual(1);
    expect(resolveThreadCount(3)).toBe(3);
  });
});
