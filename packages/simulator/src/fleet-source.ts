import { DeviceFleet, readingMessage } from './device-fleet.js';
import { type FaultRates, type LedgerFault, MESSAGE_FAULTS, type MessageFault } from './faults.js';
import { injectFault } from './inject-fault.js';
import type { OutgoingMessage } from './outgoing-message.js';
import { prngFor } from './prng.js';
import type { Bursts, SchemaDrift } from './profiles.js';
import { Schedule } from './schedule.js';

export interface FleetPlan {
  readonly topics: readonly string[];
  readonly devices: number;
  readonly seed: number;
  readonly startTimeMs: number;
  /** Messages per second outside bursts. */
  readonly rate: number;
  /** Stop after this many messages, or … */
  readonly count?: number | undefined;
  /** … after the messages due within this many ms; with neither, never (the caller stops). */
  readonly durationMs?: number | undefined;
  readonly faults: FaultRates;
  readonly schemaDrift: SchemaDrift | null;
  readonly bursts: Bursts | null;
  readonly maxRecordBytes: number;
}

/** Earlier bodies a `duplicate` may repeat: recent ones, as a producer retry would. */
const DUPLICATE_WINDOW = 256;

/** A run until stopped places its schema drift within this span, to show it early. */
export const UNBOUNDED_DRIFT_SPAN_MS = 60_000;

/** Whether message `seq`, due at `dueMs` on `topic`, carries the drift key. */
function driftRule(plan: FleetPlan): (seq: number, dueMs: number, topic: string) => boolean {
  const drift = plan.schemaDrift;
  if (!drift) return () => false;
  const topics = new Set(drift.topics === 'all' ? plan.topics : (drift.topics ?? plan.topics.slice(0, 1)));
  const fromSeq = plan.count === undefined ? undefined : drift.at * plan.count;
  const fromMs = drift.at * (plan.durationMs ?? UNBOUNDED_DRIFT_SPAN_MS);
  return (seq, dueMs, topic) => topics.has(topic) && (fromSeq !== undefined ? seq > fromSeq : dueMs >= fromMs);
}

/** Whether the run is over before message `seq`, due at `dueMs`. */
function isPastEnd(plan: FleetPlan, seq: number, dueMs: number): boolean {
  if (plan.count !== undefined) return seq > plan.count;
  return plan.durationMs !== undefined && dueMs >= plan.durationMs;
}

/**
 * The messages of a simulated run, in order, with their due times: a pure function of
 * the plan (same seed and start time, same bodies). Faults are drawn per message at
 * their rates; from the drift point on, the drifting topics' payloads carry a new key.
 */
export function* fleetMessages(plan: FleetPlan): Generator<OutgoingMessage> {
  const fleet = new DeviceFleet(plan);
  const prng = prngFor(plan.seed, 'faults');
  const schedule = new Schedule(plan.rate, plan.bursts);
  const context = { topics: new Set(plan.topics), maxRecordBytes: plan.maxRecordBytes };
  const isDrifted = driftRule(plan);
  const recent: Array<{ seq: number; body: string }> = [];

  for (let seq = 1; ; seq++) {
    const dueMs = schedule.next();
    if (isPastEnd(plan, seq, dueMs)) return;
    const topic = fleet.topicOf(seq);
    const drifted = isDrifted(seq, dueMs, topic);
    const reading = fleet.next(seq, dueMs, drifted);
    const drawn = pickFault(prng.next(), plan.faults);
    if (drawn === 'duplicate' && recent.length > 0) {
      const original = prng.pick(recent);
      yield {
        seq,
        queueTopic: topic,
        body: original.body,
        fault: 'duplicate',
        deviceId: reading.deviceId,
        duplicateOf: original.seq,
        dueMs,
      };
      continue;
    }
    // A duplicate drawn before anything was sent has nothing to repeat: the message goes out clean.
    const fault: LedgerFault =
      drawn === undefined || drawn === 'duplicate' ? (drifted ? 'schema_drift' : 'none') : drawn;
    const body =
      fault === 'none' || fault === 'schema_drift'
        ? JSON.stringify(readingMessage(reading))
        : injectFault(fault, reading, prng, context);
    recent.push({ seq, body });
    if (recent.length > DUPLICATE_WINDOW) recent.shift();
    yield { seq, queueTopic: topic, body, fault, deviceId: reading.deviceId, duplicateOf: null, dueMs };
  }
}

/** The fault whose band of [0, 1) holds `u`, bands laid out in `MESSAGE_FAULTS` order. */
export function pickFault(u: number, rates: FaultRates): MessageFault | undefined {
  let upper = 0;
  for (const fault of MESSAGE_FAULTS) {
    upper += rates[fault];
    if (u < upper) return fault;
  }
  return undefined;
}
