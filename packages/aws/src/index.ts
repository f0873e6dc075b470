export type { AdapterLogger } from './adapter-logger.js';
export { isRetryableAwsError } from './aws-errors.js';
export { FIREHOSE_LIMITS, FirehoseSink, type FirehoseSinkOptions } from './firehose-sink.js';
export { KINESIS_LIMITS, KinesisSink, type KinesisSinkOptions, MAX_PARTITION_KEY_BYTES } from './kinesis-sink.js';
export { type QueueStats, QueueStatsSampler, type QueueStatsSamplerOptions } from './queue-stats-sampler.js';
export { resolveQueueUrls } from './resolve-queue-urls.js';
export { RETRY_DEFAULTS, type RetryOptions } from './retry-options.js';
export {
  quarantineObjectKey,
  S3Quarantine,
  type S3QuarantineOptions,
  topicPartition,
  UNKNOWN_TOPIC_PARTITION,
} from './s3-quarantine.js';
export {
  clampVisibilitySeconds,
  MAX_VISIBILITY_SECONDS,
  SQS_BATCH_SIZE,
  SqsAcknowledger,
  type SqsAcknowledgerOptions,
} from './sqs-acknowledger.js';
