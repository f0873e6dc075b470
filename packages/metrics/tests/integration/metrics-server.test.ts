import { ConfigError } from '@lean-ops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { counter, createRegistry, type MetricsServer, startMetricsServer } from '../../src/index.js';

describe('Function: startMetricsServer (real HTTP on loopback)', () => {
  const servers: MetricsServer[] = [];
  const start = async (options: Partial<Parameters<typeof startMetricsServer>[0]> = {}) => {
    const registry = createRegistry();
    const server = await startMetricsServer({ registry, port: 0, host: '127.0.0.1', ...options });
    servers.push(server);
    return { server, registry };
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('serves /metrics in the Prometheus text format', async () => {
    const { server, registry } = await start();
    counter(registry, { name: 'scrapes_seen_total', help: 'h' }).inc();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE leanops_scrapes_seen_total counter$/m);
    expect(text).toMatch(/^leanops_process_resident_memory_bytes \d+/m);
  });

  it('answers /healthz while the process runs', async () => {
    const { server } = await start();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz from its checks: 200 when all pass, 503 naming the failing one', async () => {
    let redisUp = false;
    const { server } = await start({ readiness: { redis: () => redisUp, sqs: async () => true } });
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'not_ready', checks: { redis: false, sqs: true } });
    redisUp = true;
    const up = await fetch(`${server.url}/readyz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ready', checks: { redis: true, sqs: true } });
  });

  it('counts a throwing or hanging check as not ready', async () => {
    const { server } = await start({
      readiness: { throws: () => Promise.reject(new Error('x')), hangs: () => new Promise<boolean>(() => {}) },
      readinessTimeoutMs: 50,
    });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: unknown }).checks).toEqual({ throws: false, hangs: false });
  });

  it('reports not ready once shutting down', async () => {
    const { server } = await start();
    server.markShuttingDown();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: unknown }).status).toBe('shutting_down');
  });

  it('404s other paths and 405s other methods', async () => {
    const { server } = await start();
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('closes idempotently: a second close awaits the same shutdown', async () => {
    const { server } = await start();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('rejects a bad port, naming the option', async () => {
    await expect(startMetricsServer({ registry: createRegistry(), port: 70_000 })).rejects.toThrow(ConfigError);
    await expect(startMetricsServer({ registry: createRegistry(), port: 70_000 })).rejects.toThrow(
      /port: expected an integer/,
    );
  });

  it('fails to start on a port in use', async () => {
    const { server } = await start();
    await expect(
      startMetricsServer({ registry: createRegistry(), port: server.port, host: '127.0.0.1' }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
