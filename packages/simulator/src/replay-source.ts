import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '@lean-ops/core';
import { bodyClaims } from './body-claims.js';
import type { OutgoingMessage } from './outgoing-message.js';

export interface ReplayPlan {
  /** JSON-lines file: one message body per line; blank lines are skipped. */
  readonly input: string;
  readonly topics: readonly string[];
  /** Queue for a body whose topic is unreadable or not configured. */
  readonly defaultTopic: string | undefined;
  /** Messages per second; undefined: as fast as the queue takes them. */
  readonly rate: number | undefined;
}

/**
 * The bodies of an input file, each to its topic's queue (the topic it claims when that
 * is configured, else `defaultTopic`). `seq` is the line number; a body equal to an
 * earlier line's is marked as its duplicate.
 */
export async function* replayMessages(plan: ReplayPlan): AsyncGenerator<OutgoingMessage> {
  const topics = new Set(plan.topics);
  const firstSeen = new Map<string, number>();
  const stream = createReadStream(plan.input, 'utf8');
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let index = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const { topic: claimed, deviceId } = bodyClaims(line);
      const queueTopic = claimed !== null && topics.has(claimed) ? claimed : plan.defaultTopic;
      if (queueTopic === undefined) {
        throw new ConfigError('simulation input', [
          `${plan.input}:${lineNo}: topic ${claimed === null ? '(unreadable)' : JSON.stringify(claimed)} is not configured; ` +
            'set defaultTopic (--default-topic) to send such bodies to its queue',
        ]);
      }
      // 96 bits of SHA-256 tell bodies apart and keep the map small for large files.
      const digest = createHash('sha256').update(line).digest().subarray(0, 12).toString('base64');
      const duplicateOf = firstSeen.get(digest) ?? null;
      if (duplicateOf === null) firstSeen.set(digest, lineNo);
      const dueMs = plan.rate === undefined ? undefined : (index * 1000) / plan.rate;
      index++;
      yield { seq: lineNo, queueTopic, body: line, fault: 'replay', deviceId, duplicateOf, dueMs };
    }
  } finally {
    stream.destroy(); // also when the run stops early
  }
}
