/**
 * The e2e input: message bodies for two topics with duplicates, out-of-order versions,
 * late events, drift and faults, and the curated / semantic tables they must produce,
 * computed here from the contract's rules without the pipeline's code.
 */
export interface Expected {
  /** key → winning event_timestamp (ms) and temperature, per topic. */
  readonly curated: Record<string, Map<string, { ts: number; temperature: number | string }>>;
  /** sensors keys whose winner casts (all their versions do), with the temperature. */
  readonly semantic: Map<string, number>;
  readonly faulty: number;
  readonly lines: string[];
}

const BASE = Date.UTC(2026, 0, 10, 12, 0, 0);

/** A deterministic shuffle (the arrival order must not matter). */
function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function buildInput(): Expected {
  const bodies: string[] = [];
  const curated: Expected['curated'] = { sensors: new Map(), events: new Map() };
  const semantic = new Map<string, number>();
  for (let k = 0; k < 40; k++) {
    const key = `s${k}`;
    const bad = k % 10 === 3; // every version of this key fails the cast to double
    const versions = 1 + (k % 3);
    for (let v = 0; v < versions; v++) {
      // Late data: some versions are days old; versions are never tied on event time.
      const ts = BASE - (k % 4 === 0 ? 3 * 86_400_000 : 0) + v * 60_000 + k * 1_000;
      const temperature: number | string = bad ? `hot-${v}` : 20 + k + v / 10;
      const payload: Record<string, unknown> = { temperature, status: 'ok' };
      if (k % 7 === 0) payload.pressure = 1000 + v; // drift: not in the schema
      const body = JSON.stringify({
        topic: 'sensors',
        device_id: `dev-${k % 5}`,
        event_timestamp: new Date(ts).toISOString(),
        idempotency_key: key,
        payload,
      });
      bodies.push(body);
      if (k % 5 === 0) bodies.push(body); // an exact duplicate delivery
      const winner = curated.sensors?.get(key);
      if (!winner || winner.ts < ts) curated.sensors?.set(key, { ts, temperature });
    }
    if (!bad) semantic.set(key, curated.sensors?.get(key)?.temperature as number);
  }
  for (let k = 0; k < 12; k++) {
    const ts = BASE + k * 5_000;
    bodies.push(
      JSON.stringify({
        topic: 'events',
        device_id: `dev-${k}`,
        event_timestamp: new Date(ts).toISOString(),
        idempotency_key: `e${k}`,
        payload: { temperature: k },
      }),
    );
    curated.events?.set(`e${k}`, { ts, temperature: k });
  }
  const faults = [
    '{"topic": "sensors", "device_id": "dev-1", "event_timestamp": ', // malformed JSON
    JSON.stringify({ topic: 'sensors', event_timestamp: new Date(BASE).toISOString(), payload: {} }), // no device_id
    JSON.stringify({ topic: 'sensors', device_id: 5, event_timestamp: new Date(BASE).toISOString(), payload: {} }),
    JSON.stringify({ topic: 'nosuch', device_id: 'd', event_timestamp: new Date(BASE).toISOString(), payload: {} }),
    JSON.stringify({ topic: 'events', device_id: 'd', event_timestamp: 'yesterday', payload: {} }),
    'not json at all',
  ];
  const lines = shuffle([...bodies, ...faults], 7);
  return { curated, semantic, faulty: faults.length, lines };
}

/**
 * The config the input above is written for: `sensors` with a semantic schema, `events`
 * without one (its runs end curation-only: missing schema, drift "*"), plus `extra` settings.
 */
export function inputConfig(extra: Record<string, unknown>): string {
  return JSON.stringify({
    topics: {
      sensors: {
        schema: {
          version: 1,
          columns: [
            { name: 'temperature', type: 'double', required: true },
            { name: 'status', type: 'string' },
          ],
        },
      },
      events: {},
    },
    ...extra,
  });
}
