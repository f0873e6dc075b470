import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onceAsync } from '@lean-ops/core';
import type { TestServer } from './test-server.js';

export interface StartKinesaliteOptions {
  /**
   * Milliseconds a new stream stays CREATING before it is ACTIVE.
   * @defaultValue 50 (kinesalite's own default is 500)
   */
  readonly createStreamMs?: number;
  /** Most shards across all streams before `LimitExceededException`. @defaultValue 10 */
  readonly shardLimit?: number;
}

/**
 * Starts kinesalite (a Kinesis Data Streams emulator, in memory) in this process on a
 * free port of 127.0.0.1. SDK v3 Kinesis clients need `requestHandler: new
 * NodeHttpHandler()` against it: use `awsClientConfig`.
 */
export async function startKinesalite(options: StartKinesaliteOptions = {}): Promise<TestServer> {
  let kinesalite: typeof import('kinesalite').default;
  try {
    kinesalite = (await import('kinesalite')).default;
  } catch (err) {
    throw new Error(
      'startKinesalite: the npm package kinesalite (3.3.3) is not installed. Run `npm ci` at the repository root ' +
        '(it is a dependency of @lean-ops/testkit).',
      { cause: err },
    );
  }
  const server: Server = kinesalite({
    createStreamMs: options.createStreamMs ?? 50,
    deleteStreamMs: options.createStreamMs ?? 50,
    updateStreamMs: options.createStreamMs ?? 50,
    shardLimit: options.shardLimit ?? 10,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: onceAsync(async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      // close() waits for open keep-alive sockets; SDK clients keep some, so end them.
      server.closeAllConnections();
      await closed;
    }),
  };
}
