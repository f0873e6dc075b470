/**
 * `promise`, or a rejection with `reasonOf(signal)` as soon as `signal` aborts. The caller
 * stops waiting; the promise goes on, and its late rejection is swallowed (nobody awaits
 * it any more, so it must not surface as an unhandled rejection).
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  reasonOf: (signal: AbortSignal) => unknown = (s) => s.reason,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => {});
      reject(reasonOf(signal));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
