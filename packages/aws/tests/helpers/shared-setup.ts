import type { TestServer } from '@lean-ops/testkit';

/**
 * Servers and clients shared by the tests of one file, set up on first use inside a test.
 * A missing prerequisite (say moto not installed) then fails every test with the reason;
 * a failing `beforeAll` would only mark them skipped.
 */
export function sharedSetup<T>(setup: () => Promise<T>, teardown: (context: T) => Promise<void>) {
  let context: Promise<T> | undefined;
  return {
    get: (): Promise<T> => {
      context ??= setup();
      return context;
    },
    dispose: async (): Promise<void> => {
      const ready = await context?.catch(() => undefined);
      if (ready !== undefined) await teardown(ready);
    },
  };
}

/**
 * `sharedSetup` of one emulator and one SDK client on its endpoint: `server` and `client`.
 * Teardown destroys the client, then stops the server.
 */
export function sharedServerClient<S extends TestServer, C extends { destroy(): void }>(
  start: () => Promise<S>,
  connect: (endpoint: string) => C,
) {
  return sharedSetup(
    async () => {
      const server = await start();
      return { server, client: connect(server.endpoint) };
    },
    async ({ server, client }) => {
      client.destroy();
      await server.stop();
    },
  );
}
