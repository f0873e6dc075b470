import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@lean-ops/core';
import type { Registry } from 'prom-client';

/** A readiness check: true when the dependency it watches is usable. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface MetricsServerOptions {
  readonly registry: Registry;
  /** 0 picks a free port. @defaultValue 9464 (the OpenTelemetry Prometheus exporter's port) */
  readonly port?: number;
  /** @defaultValue "0.0.0.0" so a Prometheus in the VPC can scrape the task */
  readonly host?: string;
  /** Named checks behind `/readyz`; all must pass. */
  readonly readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** Longest a readiness check may take before it counts as failed. @defaultValue 2000 */
  readonly readinessTimeoutMs?: number;
}

export interface MetricsServer {
  readonly port: number;
  readonly url: string;
  /** From now on `/readyz` answers 503, so load balancers stop sending work. */
  markShuttingDown(): void;
  /** Stops listening; a second call awaits the same close. */
  close(): Promise<void>;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Serves `/metrics` (Prometheus text format), `/healthz` (liveness: the event loop
 * answers) and `/readyz` (readiness: every check passes and the process is not
 * shutting down).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const port = options.port ?? 9464;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('metrics server options', [`port: expected an integer 0–65535 (got ${port})`]);
  }
  const checks = Object.entries(options.readiness ?? {});
  const timeoutMs = options.readinessTimeoutMs ?? 2000;
  let shuttingDown = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      return send(res, 200, options.registry.contentType, await options.registry.metrics());
    }
    if (path === '/healthz') return send(res, 200, 'application/json', '{"status":"ok"}\n');
    if (path === '/readyz') {
      const results = Object.fromEntries(
        await Promise.all(checks.map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const)),
      );
      const ready = !shuttingDown && Object.values(results).every(Boolean);
      const status = shuttingDown ? 'shutting_down' : ready ? 'ready' : 'not_ready';
      return send(res, ready ? 200 : 503, 'application/json', `${JSON.stringify({ status, checks: results })}\n`);
    }
    return send(res, 404, 'text/plain', 'not found: try /metrics, /healthz or /readyz\n');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, 'text/plain', `${(err as Error).message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        shuttingDown = true;
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
