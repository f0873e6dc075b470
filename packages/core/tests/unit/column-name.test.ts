import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURATED_METADATA_COLUMNS, curatedColumnName } from '../../src/index.js';

describe('Function: curatedColumnName — contract §4 naming rule', () => {
  it.each([
    ['temperature', 'temperature'],
    ['Temperature', 'temperature'],
    ['battery-level %', 'battery_level__'],
    ['température', 'temp_rature'],
    ['🌡temp', '_temp'],
    ['K\u212a', 'k_'], // Kelvin sign is not ASCII: replaced, never case-folded
    ['device_id', 'payload_device_id'],
    ['Event-Timestamp', 'payload_event_timestamp'],
    ['', 'payload_'],
    ['_raw_seq', 'payload__raw_seq'],
  ])('%j → %j', (key, expected) => expect(curatedColumnName(key)).toBe(expected));

  it('always yields [a-z0-9_] names that are not metadata columns, and is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (key) => {
        const name = curatedColumnName(key);
        expect(name).toMatch(/^[a-z0-9_]+$/);
        expect([...CURATED_METADATA_COLUMNS, '_raw_seq']).not.toContain(name);
        expect(curatedColumnName(name)).toBe(name);
      }),
    );
  });
});
