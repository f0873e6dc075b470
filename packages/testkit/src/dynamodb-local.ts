import { type DynamoDbLocalOptions, startDynamoDbLocal as startEmbedded } from '@lean-ops/local';
import type { TestServer } from './test-server.js';

export type StartDynamoDbLocalOptions = DynamoDbLocalOptions;

/** DynamoDB Local for a test (the same server `lean-ops dev` runs), in memory unless `path` is given. */
export function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<TestServer> {
  return startEmbedded(options);
}
