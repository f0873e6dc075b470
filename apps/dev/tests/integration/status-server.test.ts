import { request } from 'node:http';
import { ConfigError } from '@lean-ops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { renderStatusPage } from '../../src/status-page.js';
import { type StatusServer, type StatusServerOptions, startStatusServer } from '../../src/status-server.js';
import type { DevStatus, StatusSource } from '../../src/status-types.js';
import { devStatus, ScriptedStatusSource } from './status-fixture.js';

describe('Function: startStatusServer (real HTTP on loopback)', () => {
  const servers: StatusServer[] = [];
  const start = async (options: Partial<StatusServerOptions> = {}) => {
    const server = await startStatusServer({ source: new ScriptedStatusSource(), ...options });
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('serves the page on / as uncached UTF-8 HTML, on a free loopback port by default', async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe(renderStatusPage());
  });

  it("serves the source's status as JSON on /api/status, asking the source on every request", async () => {
    const source = new ScriptedStatusSource();
    const server = await start({ source });
    const first = await fetch(`${server.url}/api/status`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(await first.json()).toEqual(devStatus(1));
    const second = (await (await fetch(`${server.url}/api/status?t=2`)).json()) as DevStatus;
    expect(second).toEqual(devStatus(2));
    expect(source.calls).toBe(2);
  });

  it('answers 500 with a JSON error body while the source throws, and 200 again after', async () => {
    const source = new ScriptedStatusSource();
    const server = await start({ source });
    source.failWith = 'redis: connection refused';
    const res = await fetch(`${server.url}/api/status`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ error: 'redis: connection refused' });
    source.failWith = null;
    expect((await fetch(`${server.url}/api/status`)).status).toBe(200);
  });

  it('reports a non-Error rejection as its string', async () => {
    const source: StatusSource = { status: () => Promise.reject('stack not started') };
    const server = await start({ source });
    const res = await fetch(`${server.url}/api/status`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'stack not started' });
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const server = await start();
    const missing = await fetch(`${server.url}/api/status/extra`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('not found: try / or /api/status\n');
    const post = await fetch(`${server.url}/api/status`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers HEAD without a body', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe('');
  });

  it('listens on the port and host given, and fails to start on a port in use', async () => {
    const first = await start({ host: '::1' });
    const port = Number(new URL(first.url).port);
    expect(first.url).toBe(`http://[::1]:${port}`);
    expect((await fetch(`${first.url}/api/status`)).status).toBe(200);
    await expect(startStatusServer({ source: new ScriptedStatusSource(), host: '::1', port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('rejects bad options with a ConfigError naming each one', async () => {
    const bad = startStatusServer({ source: {} as StatusSource, port: 70_000, host: ' ' });
    await expect(bad).rejects.toBeInstanceOf(ConfigError);
    await expect(bad).rejects.toMatchObject({
      issues: [
        'source: expected a StatusSource with a status() method',
        'port: expected an integer 0–65535 (got 70000)',
        'host: expected a host name or IP address (got " ")',
      ],
    });
    await expect(startStatusServer({ source: new ScriptedStatusSource(), port: 1.5 })).rejects.toThrow(/port: /);
  });

  it('closes idempotently, letting a request in flight finish first', async () => {
    let release: ((status: DevStatus) => void) | undefined;
    const source: StatusSource = { status: () => new Promise<DevStatus>((resolve) => (release = resolve)) };
    const server = await startStatusServer({ source });
    const inFlight = getText(`${server.url}/api/status`);
    await until(() => release !== undefined);
    const closed = server.close();
    expect(server.close()).toBe(closed);
    release?.(devStatus(7));
    expect(JSON.parse(await inFlight)).toEqual(devStatus(7));
    await closed;
    await server.close();
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
  });
});

/** A GET on its own connection (fetch would keep it pooled). */
function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition not met within 1 s');
}
