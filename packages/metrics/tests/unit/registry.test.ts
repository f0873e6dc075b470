import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { counter, createBaseMetrics, createRegistry, gauge, histogram } from '../../src/index.js';

describe('Function: createRegistry', () => {
  it('collects default process metrics under the leanops_ prefix', async () => {
    const text = await createRegistry().metrics();
    expect(text).toMatch(/^leanops_process_cpu_seconds_total /m);
    expect(text).toMatch(/^leanops_nodejs_eventloop_lag_seconds /m);
  });

  it('keeps registries apart (no global registry)', async () => {
    const a = createRegistry({ collectDefault: false });
    const b = createRegistry({ collectDefault: false });
    counter(a, { name: 'things_total', help: 'h' }).inc();
    expect(await b.metrics()).not.toMatch(/things_total/);
  });

  it('adds default labels to every series', async () => {
    const registry = createRegistry({ collectDefault: false, defaultLabels: { service: 'ingest' } });
    counter(registry, { name: 'things_total', help: 'h' }).inc();
    expect(await registry.metrics()).toMatch(/leanops_things_total\{service="ingest"\} 1/);
  });
});

describe('Functions: counter, gauge, histogram — naming rules', () => {
  const registry = () => createRegistry({ collectDefault: false });

  it('prefixes names and keeps labels', async () => {
    const r = registry();
    counter(r, { name: 'messages_received_total', help: 'Messages received.', labelNames: ['topic'] as const }).inc(
      { topic: 't' },
      2,
    );
    gauge(r, { name: 'in_flight_messages', help: 'In flight.' }).set(3);
    histogram(r, { name: 'put_duration_seconds', help: 'Put latency.', buckets: [0.01, 0.1, 1] }).observe(0.05);
    const text = await r.metrics();
    expect(text).toMatch(/^leanops_messages_received_total\{topic="t"\} 2$/m);
    expect(text).toMatch(/^leanops_in_flight_messages 3$/m);
    expect(text).toMatch(/^leanops_put_duration_seconds_bucket\{le="0.1"\} 1$/m);
  });

  it.each([
    ['a counter without _total', () => counter(registry(), { name: 'messages', help: 'h' }), /must end in _total/],
    ['a gauge with _total', () => gauge(registry(), { name: 'x_total', help: 'h' }), /only counters end in _total/],
    [
      'a repeated prefix',
      () => gauge(registry(), { name: 'leanops_x', help: 'h' }),
      /must not repeat the leanops_ prefix/,
    ],
    ['an invalid name', () => gauge(registry(), { name: 'Bad-Name', help: 'h' }), /name: "Bad-Name" must match/],
    [
      'a device_id label',
      () => counter(registry(), { name: 'x_total', help: 'h', labelNames: ['topic', 'device_id'] }),
      /"device_id" is high-cardinality/,
    ],
  ])('rejects %s', (_, define, message) => {
    expect(define).toThrow(ConfigError);
    expect(define).toThrow(message);
  });
});

describe('Function: createBaseMetrics', () => {
  it('serves build info and start time', async () => {
    const r = registry();
    createBaseMetrics(r, 'ingest', '1.2.3');
    const text = await r.metrics();
    expect(text).toMatch(/^leanops_build_info\{version="1.2.3",service="ingest",node_version="[\d.]+"\} 1$/m);
    expect(text).toMatch(/^leanops_service_start_time_seconds \d{10}$/m);
  });
  function registry() {
    return createRegistry({ collectDefault: false });
  }
});
