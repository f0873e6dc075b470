import { describe, expect, it } from 'vitest';
import { type DlqListing, formatAction, formatAge, formatDlqListings } from '../../src/index.js';

describe('Function: formatAge', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [61, '1m 1s'],
    [3 * 3600 + 20 * 60 + 5, '3h 20m'],
    [8 * 86_400 + 2 * 3600, '8d 2h'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});

describe('Function: formatDlqListings', () => {
  it('one header per DLQ, one aligned row per message, bodies on one line and cut', () => {
    const listing: DlqListing = {
      topic: 'telemetry',
      dlq: 'telemetry-dlq',
      depth: { visible: 2, inFlight: 0, delayed: 0 },
      messages: [
        {
          sourceMessageId: 'id-1',
          dlqMessageId: 'id-1',
          receiveCount: 6,
          attempt: 0,
          sentAt: '2024-01-01T00:00:00.000Z',
          ageSeconds: 125,
          action: { kind: 'redrive', attempt: 1, delaySeconds: 60 },
          bodyBytes: 100,
          bodyExcerpt: `{"a":\n${'x'.repeat(100)}`,
        },
        {
          sourceMessageId: 'id-22',
          dlqMessageId: 'id-22',
          receiveCount: 12,
          attempt: 5,
          sentAt: '2024-01-01T00:00:00.000Z',
          ageSeconds: 5,
          action: { kind: 'quarantine', reason: 'dlq:max_attempts' },
          bodyBytes: 2,
          bodyExcerpt: '{}',
        },
      ],
    };
    const lines = formatDlqListings([
      listing,
      { ...listing, topic: 'alerts', dlq: 'alerts-dlq', depth: null, messages: [] },
    ])
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe('telemetry-dlq (topic telemetry): 2 visible, 0 in flight, 0 delayed; showing 2');
    expect(lines[1]).toMatch(/^ {2}AGE +RECEIVES +ATTEMPT +ACTION +MESSAGE ID +BODY$/);
    expect(lines[2]).toMatch(/^ {2}2m 5s +6 +0 +redrive #1 after ~60s +id-1 +\{"a": x+…$/);
    expect(lines[2]?.endsWith(`${'x'.repeat(53)}…`)).toBe(true);
    expect(lines[3]).toMatch(/^ {2}5s +12 +5 +quarantine dlq:max_attempts +id-22 +\{\}$/);
    expect(lines[1]?.indexOf('BODY')).toBe(lines[3]?.indexOf('{}'));
    expect(lines[4]).toBe('alerts-dlq (topic alerts): depth unknown; showing 0');
    expect(formatAction({ kind: 'quarantine', reason: 'dlq:purged' })).toBe('quarantine dlq:purged');
  });
});
