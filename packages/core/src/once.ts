/**
 * Wraps an async shutdown (or any one-time work) so every call after the first returns
 * the first call's promise: `close()` is idempotent and concurrent callers await one close.
 */
export function onceAsync<T>(work: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => {
    running ??= Promise.resolve().then(work);
    return running;
  };
}
