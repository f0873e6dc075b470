import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, deriveIdempotencyKey, parseRfc3339Micros } from '../../src/index.js';

const micros = (text: string): bigint => {
  const value = parseRfc3339Micros(text);
  if (value === undefined) throw new Error(text);
  return value;
};

describe('Function: canonicalJson (RFC 8785)', () => {
  it('matches the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\ud83d\ude00': 'Emoji',
      '\u0080': 'Ctl',
      '\u00f6': 'ö',
    };
    expect(Object.values(JSON.parse(canonicalJson(input)))).toEqual([
      'One',
      'CR',
      'Ctl',
      'ö',
      'Euro',
      'Emoji',
      'Hebrew',
    ]);
    expect(canonicalJson(input).indexOf('\ud83d\ude00')).toBeLessThan(canonicalJson(input).indexOf('\ufb33'));
  });

  it('is independent of key order at every depth (property)', () => {
    const shuffle = (value: unknown, seed: number): unknown => {
      if (Array.isArray(value)) return value.map((v) => shuffle(v, seed));
      if (value === null || typeof value !== 'object') return value;
      const entries = Object.entries(value as Record<string, unknown>);
      const rotated = entries.map((_, i) => entries[(i + seed) % entries.length] as [string, unknown]).reverse();
      return Object.fromEntries(rotated.map(([k, v]) => [k, shuffle(v, seed + 1)]));
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(50), (value, seed) => {
        expect(canonicalJson(shuffle(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('round-trips: parsing the canonical text and canonicalising again changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(text).not.toMatch(/^\s|\s$/);
      }),
    );
  });
});

describe('Function: deriveIdempotencyKey', () => {
  const base = {
    topic: 'telemetry',
    deviceId: 'dev-1',
    eventTimestampMicros: micros('2024-03-01T12:00:00.123456Z'),
    payload: { c: 'x', a: 1, b: [true, null] },
  };

  it('is SHA-256 of topic, device, T and canonical payload joined by newlines (known answer)', () => {
    // Computed independently: sha256("telemetry\ndev-1\n2024-03-01T12:00:00.123456Z\n{\"a\":1,\"b\":[true,null],\"c\":\"x\"}")
    expect(deriveIdempotencyKey(base)).toBe('80fe3bbed94d03dffcdaf80c0d5bdfa140867b98f95edd7c78007565d5201701');
  });

  it('writes T with six fraction digits, so equal instants in other notations share a key', () => {
    const sameInstant = { ...base, eventTimestampMicros: micros('2024-03-01T13:00:00.123456+01:00') };
    expect(deriveIdempotencyKey(sameInstant)).toBe(deriveIdempotencyKey(base));
  });

  const keyInput = fc.record({
    topic: fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
    deviceId: fc.string({ minLength: 1, maxLength: 20 }),
    eventTimestampMicros: fc.bigInt({ min: -1_000_000_000_000_000n, max: 4_000_000_000_000_000n }),
    payload: fc.dictionary(fc.string(), fc.jsonValue()),
  });

  it('is stable: the same event always gives the same key (property)', () => {
    fc.assert(
      fc.property(keyInput, (input) => {
        const copy = { ...input, payload: JSON.parse(JSON.stringify(input.payload)) };
        expect(deriveIdempotencyKey(copy)).toBe(deriveIdempotencyKey(input));
      }),
    );
  });

  it('differs when any field differs (property)', () => {
    fc.assert(
      fc.property(keyInput, fc.integer({ min: 0, max: 3 }), (input, which) => {
        const changed = { ...input };
        if (which === 0) changed.topic = `${input.topic}x`;
        if (which === 1) changed.deviceId = `${input.deviceId}x`;
        if (which === 2) changed.eventTimestampMicros = input.eventTimestampMicros + 1n;
        if (which === 3) changed.payload = { ...input.payload, '\u0000extra': 1 };
        expect(deriveIdempotencyKey(changed)).not.toBe(deriveIdempotencyKey(input));
      }),
    );
  });

  it('keeps field boundaries: moving text between topic and device changes the key', () => {
    const a = deriveIdempotencyKey({ ...base, topic: 'ab', deviceId: 'c' });
    const b = deriveIdempotencyKey({ ...base, topic: 'a', deviceId: 'bc' });
    expect(a).not.toBe(b);
  });
});
