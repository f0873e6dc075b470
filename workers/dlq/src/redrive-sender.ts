import type { MessageSender, OutgoingMessage, Unsent } from '@lean-ops/core';
import { type DlqMessage, redriveAttributes } from './dlq-message.js';

export interface Redrive {
  readonly message: DlqMessage;
  readonly attempt: number;
  readonly delaySeconds: number;
}

export interface RedriveResult {
  readonly sent: readonly DlqMessage[];
  /** Refused for good (the sender's fault): sending it again would fail the same way. */
  readonly refused: readonly Unsent<DlqMessage>[];
  /** Not sent this time (server fault, network, missing queue): worth another try later. */
  readonly failed: readonly Unsent<DlqMessage>[];
}

/**
 * Sends each message back to its topic's source queue with the attempt counter, the
 * first MessageId and the backoff delay. Never throws: every message ends up in one list.
 */
export async function sendRedrives(
  sender: MessageSender,
  sourceUrlOf: (topic: string) => string,
  redrives: readonly Redrive[],
): Promise<RedriveResult> {
  const outgoing = redrives.map((redrive): OutgoingMessage & { readonly redrive: Redrive } => ({
    redrive,
    queue: sourceUrlOf(redrive.message.topic),
    body: redrive.message.body,
    delaySeconds: redrive.delaySeconds,
    attributes: redriveAttributes(redrive.message, redrive.attempt),
  }));
  const result = await sender.send(outgoing);
  const unsent = (u: Unsent<(typeof outgoing)[number]>) => ({ message: u.message.redrive.message, problem: u.problem });
  return {
    sent: result.sent.map((o) => o.redrive.message),
    refused: result.refused.map(unsent),
    failed: result.failed.map(unsent),
  };
}
