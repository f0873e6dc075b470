import { dlqTuningOf, type LeanOpsConfig } from '@lean-ops/config';
import { buildQuarantine, openSqsQueues, type ServiceEnvironment } from '@lean-ops/queue-worker';
import { DLQ } from './dlq-message.js';
import { DlqOperator } from './dlq-operator.js';
import { resolveDlqQueues } from './dlq-queues.js';

/**
 * A `DlqOperator` for the deployment: the DLQ of `topic` (every topic's when omitted),
 * the quarantine of the ingest worker. Throws `ConfigError` naming an unknown topic or a
 * missing queue. Close it when done.
 */
export async function openDlqOperator(
  config: LeanOpsConfig,
  env: ServiceEnvironment,
  topic?: string,
): Promise<DlqOperator> {
  const sqs = openSqsQueues(env);
  try {
    const queues = await resolveDlqQueues(sqs, config, topic);
    const topics = new Set(config.topics.map((t) => t.name));
    return new DlqOperator(
      { ...dlqTuningOf(config.dlq), queues },
      {
        reader: sqs.reader,
        sender: sqs.sender,
        acknowledger: sqs.acknowledger,
        depths: sqs.depths,
        quarantine: buildQuarantine(env, config.dataDir, DLQ),
        isKnownTopic: (t) => topics.has(t),
        onClose: async () => sqs.destroy(),
      },
    );
  } catch (err) {
    sqs.destroy();
    throw err;
  }
}
