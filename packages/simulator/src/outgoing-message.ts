import type { LedgerFault } from './faults.js';

/** A message planned for sending, from the device fleet or an input file. */
export interface OutgoingMessage {
  /** 1-based: the message's number in the run, or its line number in the input file. */
  readonly seq: number;
  /** The configured topic whose queue it is sent to. */
  readonly queueTopic: string;
  readonly body: string;
  readonly fault: LedgerFault;
  /** The simulated device that sent it, or (replay) the body's `device_id` if a string. */
  readonly deviceId: string | null;
  /** `seq` of the earlier message with the same body. */
  readonly duplicateOf: number | null;
  /** When it is due, ms after the run's start; undefined: as soon as possible. */
  readonly dueMs: number | undefined;
  /** Why it cannot be sent at all (an input line that is not UTF-8): it goes to the ledger as `not_sent`. */
  readonly unsendable?: { readonly code: string; readonly message: string };
}
