import type { LeanOpsConfig } from '@lean-ops/config';
import { buildQuarantine, type ServiceEnvironment } from '@lean-ops/worker-ingest';
import { DlqOperator } from './dlq-operator.js';
import type { DlqTuning } from './dlq-options.js';
import { resolveDlqQueues, sqsClientFor } from './dlq-queues.js';

/**
 * A `DlqOperator` for the deployment: the DLQ of `topic` (every topic's when omitted),
 * the quarantine of the ingest worker. Throws `ConfigError` naming an unknown topic or a
 * missing queue. Close it when done.
 */
export async function openDlqOperator(
  config: LeanOpsConfig,
  env: ServiceEnvironment,
  tuning: DlqTuning = {},
  topic?: string,
): Promise<DlqOperator> {
  const sqs = sqsClientFor(env);
  try {
    const queues = await resolveDlqQueues(sqs, config, env, topic);
    const topics = new Set(config.topics.map((t) => t.name));
    return new DlqOperator(
      { ...tuning, queues },
      {
        sqs,
        quarantine: buildQuarantine(env, config.dataDir),
        isKnownTopic: (t) => topics.has(t),
        onClose: async () => sqs.destroy(),
      },
    );
  } catch (err) {
    sqs.destroy();
    throw err;
  }
}
