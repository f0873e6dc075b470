import { RetryableError } from '@lean-ops/core';

/**
 * Tracks an adapter's running calls so that `close()` can wait for them. `close()` is
 * idempotent (a second call returns the first call's promise); calls after it reject.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(private readonly owner: string) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new RetryableError(`${this.owner} is closed`));
    const call = fn();
    this.running.add(call);
    const forget = (): void => {
      this.running.delete(call);
    };
    call.then(forget, forget);
    return call;
  }

  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.running]).then(() => undefined);
    return this.closing;
  }
}
