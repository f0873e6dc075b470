import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCheckpointStore, DynamoDriftLog, DynamoSchemaRegistry, ensureStateTables } from '@lean-ops/aws';
import type { CheckpointStore, DriftLog, SchemaRegistry } from '@lean-ops/core';
import { LOCAL_CREDENTIALS } from '@lean-ops/local';
import type { SchedulerEnvironment } from './service-environment.js';

export interface StateStores {
  readonly checkpoints: CheckpointStore;
  readonly schemas: SchemaRegistry;
  readonly drift: DriftLog;
  close(): void;
}

/**
 * The DynamoDB state adapters: the AWS tables, or DynamoDB Local when an endpoint is given
 * (then missing tables are created, as `sst deploy` does in AWS).
 */
export async function openStateStores(
  env: Pick<SchedulerEnvironment, 'dynamodbEndpoint' | 'checkpointsTable' | 'schemasTable' | 'driftTable' | 'region'>,
): Promise<StateStores> {
  const client = new DynamoDBClient({
    region: env.region,
    ...(env.dynamodbEndpoint && { endpoint: env.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS }),
  });
  if (env.dynamodbEndpoint) {
    await ensureStateTables(client, {
      checkpoints: env.checkpointsTable,
      schemas: env.schemasTable,
      driftLog: env.driftTable,
    });
  }
  return {
    checkpoints: new DynamoCheckpointStore({ client, tableName: env.checkpointsTable }),
    schemas: new DynamoSchemaRegistry({ client, tableName: env.schemasTable }),
    drift: new DynamoDriftLog({ client, tableName: env.driftTable }),
    close: () => client.destroy(),
  };
}
