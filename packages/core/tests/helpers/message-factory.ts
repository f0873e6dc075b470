import type { InboundMessage, TransformOptions } from '../../src/index.js';

/** A valid message body as an object; override or delete (`undefined`) any field. */
export function messageObject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    topic: 'telemetry',
    device_id: 'dev-1',
    event_timestamp: '2024-03-01T12:00:00.123456Z',
    payload: { temperature: 21.5, status: 'ok' },
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

export function inbound(
  body: string | Record<string, unknown>,
  overrides: Partial<InboundMessage> = {},
): InboundMessage {
  return {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    sourceMessageId: 'msg-0001',
    publishTimeMs: Date.UTC(2024, 2, 1, 12, 0, 5, 250),
    ...overrides,
  };
}

export const TOPICS = new Set(['telemetry', 'alerts']);

export const transformOptions: TransformOptions = {
  isKnownTopic: (topic) => TOPICS.has(topic),
  now: () => Date.UTC(2024, 2, 1, 12, 0, 6),
};
