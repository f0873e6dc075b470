import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { PermanentError, RetryableError } from '@lean-ops/core';
import { errorCode, errorMessage, isRetryableAwsError } from './aws-errors.js';
import { OptionChecks } from './option-checks.js';

export interface SecretsManagerReaderOptions {
  readonly client: SecretsManagerClient;
}

/**
 * Reads a secret's current value from Secrets Manager (the Snowflake private key of the
 * scheduler's refresh). A binary secret is read as UTF-8 text. Rejects with
 * `RetryableError` (throttling, 5xx, network) or `PermanentError` (no such secret, access
 * denied, no value), the message naming the secret; never logs the value.
 */
export class SecretsManagerReader {
  private readonly client: SecretsManagerClient;

  constructor(options: SecretsManagerReaderOptions) {
    new OptionChecks('SecretsManagerReader options').client('client', options?.client).done();
    this.client = options.client;
  }

  async readString(secretId: string): Promise<string> {
    if (typeof secretId !== 'string' || secretId === '')
      throw new PermanentError('SecretsManagerReader: secretId must be a non-empty secret name or ARN');
    let out: GetSecretValueCommandOutput;
    try {
      out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (err) {
      const message = `SecretsManagerReader: GetSecretValue ${secretId}: ${errorCode(err)}: ${errorMessage(err)}`;
      throw isRetryableAwsError(err)
        ? new RetryableError(message, { cause: err })
        : new PermanentError(message, { cause: err });
    }
    const value = out.SecretString ?? (out.SecretBinary ? new TextDecoder().decode(out.SecretBinary) : undefined);
    if (value === undefined || value === '')
      throw new PermanentError(`SecretsManagerReader: secret ${secretId} has no value`);
    return value;
  }
}
