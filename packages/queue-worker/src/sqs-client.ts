import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '@lean-ops/local';
import type { ServiceEnvironment } from './service-environment.js';

/**
 * Settings of every SDK client on a worker's hot path: each client resolves its
 * middleware stack once per command class and reuses it (~40 % of a call's CPU). The
 * adapters send without per-call options so the cache holds (see sendCached in
 * packages/aws).
 */
export const HOT_PATH_CLIENT_SETTINGS = { cacheMiddleware: true } as const;

/** Where an SQS client of the deployment goes: AWS, or the emulator at `LEAN_OPS_SQS_ENDPOINT` (any credentials). */
export function sqsClientConfig(env: ServiceEnvironment): SQSClientConfig {
  return {
    region: env.region,
    ...(env.sqsEndpoint ? { endpoint: env.sqsEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
  };
}

/**
 * The SDK's MD5 check of received bodies (`MD5OfBody`) guards against corruption on the
 * wire. Against AWS (HTTPS) and a loopback emulator the transport already guarantees
 * integrity (TLS records are authenticated; loopback never leaves the host), so the
 * check is skipped there; a plain-HTTP endpoint on another host keeps it.
 */
export function sqsChecksumSettings(endpoint: string | undefined): { md5?: false } {
  if (endpoint === undefined) return { md5: false };
  const url = new URL(endpoint);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || loopback ? { md5: false } : {};
}

/**
 * An SQS client of the deployment. `hotPath`: the ingest worker's settings (middleware
 * cache, no MD5 check where the transport protects the body; see docs/ingest.md, "SDK
 * client settings").
 */
export function createSqsClient(env: ServiceEnvironment, options: { readonly hotPath?: boolean } = {}): SQSClient {
  if (!options.hotPath) return new SQSClient(sqsClientConfig(env));
  return new SQSClient({
    ...sqsClientConfig(env),
    ...sqsChecksumSettings(env.sqsEndpoint),
    ...HOT_PATH_CLIENT_SETTINGS,
  });
}
