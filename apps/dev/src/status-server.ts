import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, isIPv6 } from 'node:net';
import { ConfigError } from '@lean-ops/core';
import { renderStatusPage, STATUS_API_PATH } from './status-page.js';
import type { StatusSource } from './status-types.js';

export interface StatusServerOptions {
  /** Asked once per `GET /api/status`. */
  readonly source: StatusSource;
  /** 0 picks a free port. @defaultValue 0 */
  readonly port?: number;
  /** @defaultValue "127.0.0.1": the page shows local paths and endpoints, so it stays on loopback unless asked */
  readonly host?: string;
}

export interface StatusServer {
  /** Where the page is, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Stops listening; a second call awaits the same close. */
  close(): Promise<void>;
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function validate(options: StatusServerOptions, port: unknown, host: unknown): void {
  const issues: string[] = [];
  if (typeof options.source?.status !== 'function')
    issues.push('source: expected a StatusSource with a status() method');
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    issues.push(`port: expected an integer 0–65535 (got ${String(port)})`);
  }
  if (typeof host !== 'string' || host.trim() === '') {
    issues.push(`host: expected a host name or IP address (got ${JSON.stringify(host)})`);
  }
  if (issues.length > 0) throw new ConfigError('status server options', issues);
}

/** The host to put in the URL: a wildcard address is reachable on loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return isIPv6(host) ? `[${host}]` : host;
}

/**
 * Serves the status page of `lean-ops dev` on `/` and its data, the source's `DevStatus`
 * as JSON, on `/api/status` (500 with `{"error": message}` when the source throws).
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  validate(options, port, host);
  const page = renderStatusPage();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, TEXT, 'method not allowed\n');
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') return send(res, 200, HTML, page);
    if (path === STATUS_API_PATH) {
      let body: string;
      try {
        body = JSON.stringify(await options.source.status());
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return send(res, 500, JSON_TYPE, `${JSON.stringify({ error: message })}\n`);
      }
      return send(res, 200, JSON_TYPE, `${body}\n`);
    }
    return send(res, 404, TEXT, `not found: try / or ${STATUS_API_PATH}\n`);
  };

  const server = createServer((req, res) => {
    // Only writing the response can fail here (the client went away): nothing left to answer.
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://${urlHost(host)}:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The page keeps a keep-alive connection open between polls.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
