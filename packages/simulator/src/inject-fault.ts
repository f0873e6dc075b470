import { REQUIRED_FIELDS, TOPIC_NAME_PATTERN } from '@lean-ops/core';
import { type Reading, readingMessage } from './device-fleet.js';
import { type MessageFault, OVERSIZE_MARGIN_BYTES } from './faults.js';
import type { Prng } from './prng.js';
import { formatRfc3339 } from './rfc3339.js';

/** Faults that change one message's body; `duplicate` re-sends an earlier body instead. */
export type BodyFault = Exclude<MessageFault, 'duplicate'>;

export interface FaultContext {
  /** The deployment's topics: an `unknown_topic` body names one outside them. */
  readonly topics: ReadonlySet<string>;
  /** The ingest's largest RAW record; an `oversize` body is larger. */
  readonly maxRecordBytes: number;
}

const DAY_MS = 86_400_000;

type Mutation = (message: Record<string, unknown>, reading: Reading, prng: Prng) => string;

const json = (value: unknown): string => JSON.stringify(value);

/** Ways a producer breaks JSON; each is `invalid_json` to the ingest. */
const MALFORMED: readonly Mutation[] = [
  // Cut off mid-write: no prefix of a compact JSON object is valid JSON.
  (m, _r, prng) => {
    const text = json(m);
    return text.slice(0, prng.int(1, text.length - 1));
  },
  (m) => `${json(m).slice(0, -1)},}`, // trailing comma
  (m) => json(m).replaceAll('"', "'"), // single quotes
  (m) => json(m).replace('"payload":{', '"payload":{"reading":NaN,'), // NaN is not JSON
  (m) => `{"payload":{},${json(m).slice(1)}`, // a member twice: the engines read it differently
];

/** Bodies that are JSON but not an object: `not_an_object`. */
const NOT_OBJECTS: readonly Mutation[] = [
  (m) => json([m]), // a batch of one
  (m) => json(json(m)), // encoded twice
  () => 'null',
  (_m, r) => json(Object.values(r.payload)[0] ?? 0),
];

/** A wrong value per field: `invalid_field:<field>`. */
const WRONG_VALUES: Readonly<Record<string, ReadonlyArray<(r: Reading) => unknown>>> = {
  topic: [() => 42, (r) => `${r.topic.toUpperCase()}-EU`, () => ''],
  device_id: [
    (r) => Number(r.deviceId.replace(/\D/g, '')),
    () => '',
    (r) => `${r.deviceId}-${'0'.repeat(128)}`, // over 128 characters
  ],
  event_timestamp: [
    () => 'yesterday',
    (r) => formatRfc3339(r.eventTimeMs, 0).replace('T', ' ').slice(0, 19), // no offset
    (r) => r.eventTimeMs + 0.5, // epoch ms must be an integer
    (r) => String(r.eventTimeMs), // epoch ms as text
  ],
  payload: [(r) => Object.values(r.payload), (r) => json(r.payload), () => 42],
  idempotency_key: [() => 12_345, () => ''],
  period_reference: [() => '2024-13', () => '202405'],
};

function unknownTopic(reading: Reading, prng: Prng, topics: ReadonlySet<string>): string {
  const usable = (t: string) => TOPIC_NAME_PATTERN.test(t) && !topics.has(t);
  const candidates = [`${reading.topic}_v2`, 'legacy_events', 'unregistered'].filter(usable);
  if (candidates.length > 0) return prng.pick(candidates);
  let n = 2;
  while (!usable(`unregistered_${n}`)) n++;
  return `unregistered_${n}`;
}

/** A contract-valid message padded past the record limit, rejected as `too_large`. */
function oversize(message: Record<string, unknown>, maxRecordBytes: number): string {
  const padded = { ...message, payload: { ...(message.payload as object), debug_dump: '' } };
  const base = json(padded); // ASCII only: its length is its size in bytes
  const fill = maxRecordBytes + OVERSIZE_MARGIN_BYTES - base.length;
  return base.replace('"debug_dump":""', `"debug_dump":"${'x'.repeat(Math.max(0, fill))}"`);
}

const shiftedBack = (reading: Reading, byMs: number): string =>
  formatRfc3339(reading.eventTimeMs - byMs, reading.offsetMinutes);

/**
 * The body of `reading` with `fault` injected. Which DROP reason (if any) the ingest
 * gives it is not decided here: `expectedFate` asks core's transform, as the worker does.
 */
export function injectFault(fault: BodyFault, reading: Reading, prng: Prng, context: FaultContext): string {
  const message = readingMessage(reading);
  switch (fault) {
    case 'malformed_json':
      return prng.pick(MALFORMED)(message, reading, prng);
    case 'not_an_object':
      return prng.pick(NOT_OBJECTS)(message, reading, prng);
    case 'missing_field': {
      const field = prng.pick(REQUIRED_FIELDS);
      if (prng.chance(0.5)) delete message[field];
      else message[field] = null;
      return json(message);
    }
    case 'wrong_type': {
      const field = prng.pick(Object.keys(WRONG_VALUES));
      message[field] = prng.pick(WRONG_VALUES[field] ?? [])(reading);
      return json(message);
    }
    case 'oversize':
      return oversize(message, context.maxRecordBytes);
    case 'unknown_topic':
      return json({ ...message, topic: unknownTopic(reading, prng, context.topics) });
    case 'out_of_order': // held back by the device for a minute to an hour
      return json({ ...message, event_timestamp: shiftedBack(reading, prng.int(60_000, 3_600_000)) });
    case 'late': // buffered offline for days: lands in older day and month partitions
      return json({ ...message, event_timestamp: shiftedBack(reading, prng.int(DAY_MS, 40 * DAY_MS)) });
  }
}
