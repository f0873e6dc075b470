import { describe, expect, it } from 'vitest';
import { fleetMessages, type OutgoingMessage } from '../../src/index.js';
import { fleetPlan, planned, TOPICS } from '../helpers/plan.js';

function take(messages: Iterable<OutgoingMessage>, n: number): OutgoingMessage[] {
  const first: OutgoingMessage[] = [];
  for (const m of messages) {
    first.push(m);
    if (first.length === n) break;
  }
  return first;
}

const payloadOf = (body: string) => JSON.parse(body).payload as Record<string, unknown>;

describe('fleetMessages', () => {
  it('is reproducible: the same seed and start time plan the same messages', () => {
    const options = { profile: 'chaos', count: 2_000, maxRecordBytes: 4_096 } as const;
    expect(planned({ ...options, seed: 7 })).toEqual(planned({ ...options, seed: 7 }));
    const other = planned({ ...options, seed: 8 });
    const bodies = planned({ ...options, seed: 7 }).map((m) => m.body);
    expect(other.filter((m, i) => m.body === bodies[i]).length).toBe(0);
  });

  it('fault draws do not change the readings: untouched messages equal the clean profile’s (same pace)', () => {
    const clean = planned({ profile: 'clean', count: 3_000 });
    const faulty = planned({ profile: 'chaos', count: 3_000, schemaDrift: null, bursts: null, maxRecordBytes: 4_096 });
    const untouched = faulty.filter((m) => m.fault === 'none');
    expect(untouched.length).toBeGreaterThan(1_000);
    for (const m of untouched) expect(m.body).toBe(clean[m.seq - 1]?.body);
  });

  it('cycles every device over every topic, devices named dev-0001…', () => {
    const messages = planned({ profile: 'clean', devices: 12, count: 12 * TOPICS.length });
    const pairs = new Set(messages.map((m) => `${m.deviceId}/${m.queueTopic}`));
    expect(pairs.size).toBe(12 * TOPICS.length);
    expect(new Set(messages.map((m) => m.deviceId))).toContain('dev-0012');
    for (const m of messages) expect(JSON.parse(m.body)).toMatchObject({ topic: m.queueTopic, device_id: m.deviceId });
  });

  it('payloads per sensor kind: environment, location and power readings', () => {
    const messages = planned({ profile: 'clean', count: 30 });
    const keysOf = (topic: string) => Object.keys(payloadOf(messages.find((m) => m.queueTopic === topic)?.body ?? ''));
    expect(keysOf('sensors')).toEqual(['temperature', 'humidity', 'battery']);
    expect(keysOf('gps')).toEqual(['latitude', 'longitude', 'speed', 'heading']);
    expect(keysOf('power')).toEqual(['voltage', 'current', 'power', 'energy']);
  });

  it('schema drift: the key appears in the drifting topic from the drift point on, never before or elsewhere', () => {
    const messages = planned({ profile: 'clean', count: 1_200, schemaDrift: { at: 0.5, topics: ['sensors'] } });
    for (const m of messages) {
      const drifted = m.queueTopic === 'sensors' && m.seq > 600;
      expect('pressure' in payloadOf(m.body)).toBe(drifted);
      expect(m.fault).toBe(drifted ? 'schema_drift' : 'none');
    }
  });

  it('duplicates repeat an earlier body exactly and name it', () => {
    const messages = planned({ profile: 'chaos', count: 3_000, maxRecordBytes: 4_096 });
    const duplicates = messages.filter((m) => m.fault === 'duplicate');
    expect(duplicates.length).toBeGreaterThan(100);
    for (const d of duplicates) {
      expect(d.duplicateOf).toBeLessThan(d.seq);
      expect(d.body).toBe(messages[(d.duplicateOf as number) - 1]?.body);
    }
    expect(messages.filter((m) => m.fault !== 'duplicate').every((m) => m.duplicateOf === null)).toBe(true);
  });

  it('a run until stopped keeps planning, and drifts within its first minute', () => {
    const plan = fleetPlan({ profile: 'clean', count: undefined, rate: 100, schemaDrift: { at: 0.5 } });
    const first = take(fleetMessages(plan), 7_000);
    expect(first).toHaveLength(7_000);
    const sensors = first.filter((m) => m.queueTopic === 'sensors');
    for (const m of sensors) expect('pressure' in payloadOf(m.body)).toBe((m.dueMs as number) >= 30_000);
  });

  it('a duration plans the messages due within it, at the rate', () => {
    const messages = planned({ profile: 'clean', count: undefined, durationMs: 2_000, rate: 250 });
    expect(messages).toHaveLength(500);
    expect(messages.every((m, i) => i === 0 || (m.dueMs as number) > (messages[i - 1]?.dueMs as number))).toBe(true);
    expect(messages.at(-1)?.dueMs).toBeLessThan(2_000);
  });

  it('event times follow the schedule from the start time', () => {
    const start = Date.parse('2025-03-01T12:00:00Z');
    for (const m of planned({ profile: 'clean', count: 300, rate: 50 })) {
      const eventMs = Date.parse(JSON.parse(m.body).event_timestamp);
      expect(eventMs).toBeLessThanOrEqual(start + (m.dueMs as number));
      expect(eventMs).toBeGreaterThanOrEqual(start + (m.dueMs as number) - 250);
    }
  });
});
