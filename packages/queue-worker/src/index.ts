/**
 * The runtime the queue workers (ingest, the DLQ processor) share. An adapter-level
 * package: besides the service-neutral pieces (lifecycle, retry delay, shutdown signals)
 * it holds the SQS side of the queue ports the workers see (`MessageSource`,
 * `MessageSender`, `MessageReader` from packages/core) and the deployment wiring
 * (service environment, SQS client, queue lookup, quarantine).
 */
export { claimedTopic } from './claimed-topic.js';
export type { CloseResult } from './close-result.js';
export { buildQuarantine } from './quarantine.js';

export { queueName } from './queue-name.js';
export {
  messageSize,
  SOURCE_MESSAGE_ID_ATTRIBUTE,
  toAttributedMessage,
  toReceivedMessage,
  toSqsAttributes,
} from './received-message.js';
export { retryDelaySeconds } from './retry-delay.js';
export { readServiceEnvironment, type ServiceEnvironment, type TopicQueue } from './service-environment.js';
export { exitOnShutdownSignals } from './shutdown-signals.js';
export { HOT_PATH_CLIENT_SETTINGS, sqsChecksumSettings } from './sqs-client.js';
export { SqsMessageReader } from './sqs-message-reader.js';
export { SqsMessageSender } from './sqs-message-sender.js';
export { SqsMessageSource, type SqsMessageSourceOptions } from './sqs-message-source.js';
export { openSqsQueues, type SqsQueues, type SqsQueuesOptions, sqsQueues } from './sqs-queues.js';
export { type LifecycleParts, type PeriodicTask, WorkerLifecycle } from './worker-lifecycle.js';
