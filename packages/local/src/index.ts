export {
  type ChildServer,
  ChildServerError,
  type ChildServerOptions,
  type ChildServerRecord,
  startChildServer,
} from './child-server.js';
export {
  type DevRuntime,
  DevRuntimeFileError,
  readDevRuntime,
  readRunningDev,
  removeDevRuntime,
  writeDevRuntime,
} from './dev-runtime-json.js';
export {
  type DynamoDbLocal,
  type DynamoDbLocalOptions,
  JavaMissingError,
  startDynamoDbLocal,
} from './dynamodb-local.js';
export {
  type EmbeddedSqs,
  type EmbeddedSqsOptions,
  LOCAL_CREDENTIALS,
  SqsPortInUseError,
  startEmbeddedSqs,
} from './embedded-sqs.js';
export { FileQuarantine, type FileQuarantineOptions } from './file-quarantine.js';
export { freePort } from './free-port.js';
export { LandingSink, type LandingSinkOptions } from './landing-sink.js';
export type { AcceptedListener, AcceptedMessageAttributes } from './persistent-sqs-store.js';
export { listJsonlFiles, readJsonlTree, readLandedRecords } from './read-jsonl.js';
export { commandLineOf, isProcessAlive, reapChildServers } from './reap-child-servers.js';
export {
  findRedisServer,
  pingRedis,
  type RedisServer,
  RedisServerMissingError,
  type RedisServerOptions,
  startRedisServer,
} from './redis-server.js';
export { SqsDataDirInUseError, SqsJournalError } from './sqs-journal.js';
