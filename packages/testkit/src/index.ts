export {
  type AwsClientConfig,
  awsClientConfig,
  TEST_CREDENTIALS,
  TEST_REGION,
} from './aws-client-config.js';
export { type StartDynamoDbLocalOptions, startDynamoDbLocal } from './dynamodb-local.js';
export { freePort } from './free-port.js';
export { type StartKinesaliteOptions, startKinesalite } from './kinesalite-server.js';
export { DEFAULT_MOTO_SERVER, type StartMotoServerOptions, startMotoServer } from './moto-server.js';
export { readLanded, readRows } from './read-rows.js';
export { sendBodies } from './send-bodies.js';
export { silentLogger } from './silent-logger.js';
export { type CreatedQueue, type CreateQueueOptions, createQueue, startSqsServer } from './sqs-server.js';
export type { TestServer } from './test-server.js';
export { waitFor } from './wait-for.js';
