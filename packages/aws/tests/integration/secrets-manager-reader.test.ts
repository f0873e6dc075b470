import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, PermanentError } from '@lean-ops/core';
import { awsClientConfig, startMotoServer } from '@lean-ops/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretsManagerReader } from '../../src/index.js';
import { sharedServerClient } from '../helpers/shared-setup.js';

const env = sharedServerClient(startMotoServer, (endpoint) => new SecretsManagerClient(awsClientConfig(endpoint)));
afterAll(() => env.dispose());

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

describe('Class: SecretsManagerReader (moto Secrets Manager)', () => {
  it('reads a string secret by name and by ARN', async () => {
    // Prepare
    const { client } = await env.get();
    const created = await client.send(new CreateSecretCommand({ Name: 'lean-ops/snowflake-key', SecretString: PEM }));
    const reader = new SecretsManagerReader({ client });

    // Act
    const byName = await reader.readString('lean-ops/snowflake-key');
    const byArn = await reader.readString(created.ARN as string);

    // Assess
    expect(byName).toBe(PEM);
    expect(byArn).toBe(PEM);
  });

  it('reads a binary secret as UTF-8 text', async () => {
    // Prepare
    const { client } = await env.get();
    await client.send(new CreateSecretCommand({ Name: 'binary-key', SecretBinary: new TextEncoder().encode(PEM) }));

    // Act
    const value = await new SecretsManagerReader({ client }).readString('binary-key');

    // Assess
    expect(value).toBe(PEM);
  });

  it('rejects a missing secret with PermanentError naming the secret and the AWS code', async () => {
    // Prepare
    const { client } = await env.get();
    const reader = new SecretsManagerReader({ client });

    // Act
    const read = reader.readString('no-such-secret');

    // Assess
    await expect(read).rejects.toBeInstanceOf(PermanentError);
    await expect(read).rejects.toThrow(/GetSecretValue no-such-secret: ResourceNotFoundException/);
  });

  it('refuses options without a client, naming the option', () => {
    expect(() => new SecretsManagerReader({} as never)).toThrow(ConfigError);
    expect(() => new SecretsManagerReader({} as never)).toThrow(/client: expected an AWS SDK v3 client/);
  });
});
