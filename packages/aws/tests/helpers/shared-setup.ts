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
