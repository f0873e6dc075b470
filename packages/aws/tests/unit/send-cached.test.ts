import { describe, expect, it } from 'vitest';
import { sendCached } from '../../src/index.js';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('Function: sendCached', () => {
  it('resolves and rejects as the request does', async () => {
    await expect(sendCached(async () => 42, new AbortController().signal)).resolves.toBe(42);
    await expect(sendCached(async () => 7)).resolves.toBe(7);
    await expect(
      sendCached(() => Promise.reject(new Error('Throttled')), new AbortController().signal),
    ).rejects.toThrow('Throttled');
  });

  it('rejects with an AbortError as soon as the signal fires, and ignores the late outcome', async () => {
    const request = deferred<number>();
    const controller = new AbortController();
    const sent = sendCached(() => request.promise, controller.signal);
    controller.abort();
    await expect(sent).rejects.toMatchObject({ name: 'AbortError' });
    // The request failing afterwards must not surface as an unhandled rejection.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    request.reject(new Error('socket destroyed'));
    await new Promise((r) => setTimeout(r, 20));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('does not send at all when the signal already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    await expect(
      sendCached(async () => {
        calls += 1;
        return 1;
      }, controller.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(0);
  });
});
