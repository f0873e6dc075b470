import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
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

/** A line of the input: its text, and whether its bytes were UTF-8 (else the text is a lossy decoding). */
interface InputLine {
  readonly text: string;
  readonly utf8: boolean;
}

/** The `\n`-separated lines of a stream of bytes, each without its `\n` and a trailing `\r`. */
async function* inputLines(stream: AsyncIterable<Buffer>): AsyncGenerator<InputLine> {
  const decode = (parts: readonly Buffer[]): InputLine => {
    let bytes = Buffer.concat(parts);
    if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    return { text: bytes.toString('utf8'), utf8: isUtf8(bytes) };
  };
  let parts: Buffer[] = [];
  for await (const chunk of stream) {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      parts.push(chunk.subarray(start, end));
      yield decode(parts);
      parts = [];
      start = end + 1;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length > 0) yield decode(parts);
}

/**
 * The bodies of an input file, each to its topic's queue (the topic it claims when that
 * is configured, else `defaultTopic`). `seq` is the line number; a body equal to an
 * earlier line's is marked as its duplicate. A line that is not UTF-8 cannot be a message
 * body: it comes out `unsendable`, to be recorded as not sent.
 */
export async function* replayMessages(plan: ReplayPlan): AsyncGenerator<OutgoingMessage> {
  const topics = new Set(plan.topics);
  const firstSeen = new Map<string, number>();
  const stream = createReadStream(plan.input);
  let lineNo = 0;
  let index = 0;
  try {
    for await (const { text: line, utf8 } of inputLines(stream)) {
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
      const message: OutgoingMessage = {
        seq: lineNo,
        queueTopic,
        body: line,
        fault: 'replay',
        deviceId,
        duplicateOf,
        dueMs,
      };
      yield utf8
        ? message
        : {
            ...message,
            unsendable: { code: 'InvalidUtf8', message: `${plan.input}:${lineNo}: the line is not UTF-8` },
          };
    }
  } finally {
    stream.destroy(); // also when the run stops early
  }
}
