import type { MessageReader } from '@lean-ops/core';
import { type DlqMessage, toDlqMessage } from './dlq-message.js';
import type { DlqQueue } from './dlq-options.js';

/**
 * One receive on a DLQ for the operator commands, with every attribute a redrive carries
 * on. Waits a second: a short poll may miss messages on a lightly filled queue.
 */
export async function receiveFromDlq(
  reader: MessageReader,
  queue: DlqQueue,
  max: number,
  visibilitySeconds: number,
): Promise<DlqMessage[]> {
  const messages = await reader.receive({ queue: queue.dlqUrl, max, visibilitySeconds, waitSeconds: 1 });
  return messages.map((m) => toDlqMessage(m, queue.topic));
}
