import type { SQSClient } from '@aws-sdk/client-sqs';
import { untilAborted } from './until-aborted.js';

/**
 * Runs `send` (a `client.send(command)` call made without per-call options) and honours
 * `signal` by racing it. Why: an SDK v3 client built with `cacheMiddleware: true` reuses
 * its resolved middleware stack for every command of a class, but only for calls without
 * options; a call with options (an abort signal) resolves the stack again and drops the
 * cache. Resolving costs ~40 % of a call's CPU (measured in docs/ingest.md). When the
 * signal fires the caller stops waiting at once with an `AbortError`, as the SDK's own
 * abort does; the request finishes or fails in the background and its outcome is ignored
 * (`client.destroy()` at shutdown ends it).
 */
export function sendCached<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortError());
  let request: Promise<T>;
  try {
    // Promise.resolve: a stubbed client may answer with a plain value.
    request = Promise.resolve(send());
  } catch (err) {
    return Promise.reject(err);
  }
  return signal ? untilAborted(request, signal, abortError) : request;
}

/**
 * The client seen through `sendCached`: `send(command, { abortSignal })` goes out without
 * options. For libraries that pass options on every call (sqs-consumer passes its abort
 * signal), so the client's middleware cache stays in use.
 */
export function withCachedSend(client: SQSClient): SQSClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: Parameters<SQSClient['send']>[0], options?: { abortSignal?: AbortSignal }) =>
        sendCached(() => target.send(command), options?.abortSignal);
    },
  });
}

function abortError(): Error {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  return error;
}
