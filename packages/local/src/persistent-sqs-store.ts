import type { FauxqsMessage, FauxqsQueue, FauxqsStore, StoredMessageAttribute } from './fauxqs-store.js';
import type { JournalState, QueueDefinition, SqsJournal } from './sqs-journal.js';

/** The message attributes of an accepted message, as sent (`BinaryValue` base64-encoded). */
export type AcceptedMessageAttributes = Readonly<Record<string, StoredMessageAttribute>>;

/** Called synchronously for each message a queue accepted from SendMessage or SendMessageBatch. */
export type AcceptedListener = (queueName: string, messageAttributes: AcceptedMessageAttributes) => void;

export interface InstrumentedSqsStore {
  /** Messages accepted per queue name since start (moves to a DLQ and restored messages not counted). */
  readonly acceptedCounts: ReadonlyMap<string, number>;
  /** Creates the journal's queues and messages in the store, URLs on `port`; journals and counts nothing. */
  restore(state: JournalState, port: number): void;
  /** The store's queues and live messages (in flight included), for a compaction. */
  snapshot(): JournalState;
}

/**
 * Wraps a fauxqs store's queue methods so that every change is journaled before the SQS
 * call returns (when a journal is given) and every accepted message is counted and
 * reported to `accepted`. The wrappers run inside fauxqs's own actions, so they see
 * messages from any client, SNS deliveries included.
 */
export function instrumentSqsStore(
  store: FauxqsStore,
  hooks: { journal?: SqsJournal | undefined; accepted?: AcceptedListener | undefined },
): InstrumentedSqsStore {
  const { journal, accepted } = hooks;
  const acceptedCounts = new Map<string, number>();
  let restoring = false;
  // While a queue's dequeue runs, an enqueue elsewhere is its move to the DLQ, not a send.
  let dequeueDepth = 0;

  const instrumentQueue = (queue: FauxqsQueue): void => {
    const { enqueue, dequeue, deleteMessage, purge, setAttributes } = queue;
    queue.enqueue = (message) => {
      if (restoring) return enqueue.call(queue, message);
      journal?.append({ t: 'm', q: queue.name, m: message });
      enqueue.call(queue, message);
      if (dequeueDepth > 0) return;
      acceptedCounts.set(queue.name, (acceptedCounts.get(queue.name) ?? 0) + 1);
      if (accepted) notify(accepted, queue.name, message.messageAttributes);
    };
    queue.dequeue = (maxCount, visibilityTimeoutOverride, dlqResolver) => {
      dequeueDepth++;
      let received: Array<{ MessageId: string }>;
      try {
        received = dequeue.call(queue, maxCount, visibilityTimeoutOverride, dlqResolver);
      } finally {
        dequeueDepth--;
      }
      if (journal && received.length > 0) {
        journal.append({ t: 'r', q: queue.name, ids: received.map((m) => m.MessageId), at: Date.now() });
      }
      return received;
    };
    queue.deleteMessage = (receiptHandle) => {
      const entry = queue.inflightMessages.get(receiptHandle);
      if (entry && journal) journal.append({ t: 'd', q: queue.name, id: entry.message.messageId });
      return deleteMessage.call(queue, receiptHandle);
    };
    queue.purge = () => {
      if (!restoring) journal?.append({ t: 'p', q: queue.name });
      purge.call(queue);
    };
    queue.setAttributes = (attributes) => {
      setAttributes.call(queue, attributes);
      if (!restoring) journal?.append({ t: 'q', queue: definitionOf(queue) });
    };
  };

  const { createQueue, deleteQueue } = store;
  store.createQueue = (name, url, arn, attributes, tags) => {
    const queue = createQueue.call(store, name, url, arn, attributes, tags);
    instrumentQueue(queue);
    if (!restoring && journal) {
      try {
        journal.append({ t: 'q', queue: definitionOf(queue) });
      } catch (error) {
        deleteQueue.call(store, url);
        throw error;
      }
    }
    return queue;
  };
  store.deleteQueue = (url) => {
    const queue = store.queues.get(url);
    if (queue && journal) journal.append({ t: 'dq', name: queue.name });
    return deleteQueue.call(store, url);
  };

  return {
    acceptedCounts,
    restore(state, port) {
      restoring = true;
      try {
        for (const { queue: definition, messages } of state.values()) {
          const url = store.buildQueueUrl(definition.name, String(port), `127.0.0.1:${port}`, regionOf(definition.arn));
          const queue = store.createQueue(
            definition.name,
            url,
            definition.arn,
            { ...definition.attributes },
            { ...definition.tags },
          );
          queue.createdTimestamp = definition.createdTimestamp;
          queue.lastModifiedTimestamp = definition.lastModifiedTimestamp;
          let lastSequence = 0;
          for (const message of messages.values()) {
            queue.enqueue(message);
            lastSequence = Math.max(lastSequence, Number(message.sequenceNumber ?? 0));
          }
          queue.sequenceCounter = lastSequence;
        }
      } finally {
        restoring = false;
      }
    },
    snapshot() {
      const state: JournalState = new Map();
      for (const queue of store.queues.values()) {
        const { ready, delayed, inflight } = queue.inspectMessages();
        const all = [...ready, ...delayed, ...inflight.map((entry) => entry.message)];
        // FIFO order is the sequence order; a standard queue has none, so send order it is.
        all.sort(queue.isFifo() ? bySequence : bySentTimestamp);
        state.set(queue.name, {
          queue: definitionOf(queue),
          messages: new Map(all.map((message) => [message.messageId, message])),
        });
      }
      return state;
    },
  };
}

function definitionOf(queue: FauxqsQueue): QueueDefinition {
  return {
    name: queue.name,
    arn: queue.arn,
    attributes: { ...queue.attributes },
    tags: Object.fromEntries(queue.tags),
    createdTimestamp: queue.createdTimestamp,
    lastModifiedTimestamp: queue.lastModifiedTimestamp,
  };
}

/** `arn:aws:sqs:<region>:<account>:<name>` → region. */
function regionOf(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1';
}

function bySequence(a: FauxqsMessage, b: FauxqsMessage): number {
  return Number(a.sequenceNumber ?? 0) - Number(b.sequenceNumber ?? 0);
}

function bySentTimestamp(a: FauxqsMessage, b: FauxqsMessage): number {
  return a.sentTimestamp - b.sentTimestamp;
}

function notify(listener: AcceptedListener, queueName: string, attributes: AcceptedMessageAttributes): void {
  try {
    listener(queueName, attributes);
  } catch (error) {
    // The message is already in the queue: failing the SendMessage call now would make the
    // client send it again. The listener's bug is reported instead.
    process.emitWarning(`embedded SQS accepted listener threw: ${(error as Error).message}`, 'SqsAcceptedListener');
  }
}
