import { S3Client } from '@aws-sdk/client-s3';
import { S3Quarantine } from '@lean-ops/aws';
import { ConfigError, dataDirLayout, QUEUE_SERVICE_ENV, type Quarantine } from '@lean-ops/core';
import { FileQuarantine } from '@lean-ops/local';
import { type ServiceEnvironment, serviceEnvironmentSource } from './service-environment.js';

/**
 * The quarantine of a deployment: S3 when a bucket is set, else `<dataDir>/quarantine`.
 * An AWS sink without a bucket is a `ConfigError` about `component`'s service environment.
 */
export function buildQuarantine(env: ServiceEnvironment, dataDir: string, component: string): Quarantine {
  if (env.quarantineBucket) {
    return new S3Quarantine({
      client: new S3Client({ region: env.region }),
      bucket: env.quarantineBucket,
      prefix: env.quarantinePrefix,
    });
  }
  if (env.sink !== 'local') {
    throw new ConfigError(serviceEnvironmentSource(component), [
      `${QUEUE_SERVICE_ENV.quarantineBucket}: required with an AWS sink (DROPs need a durable quarantine)`,
    ]);
  }
  return new FileQuarantine({ dir: dataDirLayout(dataDir).quarantine });
}
