import { describe, expect, it } from 'vitest';
import { MESSAGE_FAULTS, type MessageFault, PROFILES } from '../../src/index.js';
import { planned } from '../helpers/plan.js';

const N = 20_000;
// Small records keep the oversize bodies small; the rate is what is tested here.
const SMALL = { count: N, maxRecordBytes: 4_096, schemaDrift: null } as const;

function faultCounts(messages: ReadonlyArray<{ fault: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of messages) counts[m.fault] = (counts[m.fault] ?? 0) + 1;
  return counts;
}

/** Within 4.5 standard deviations of a binomial(n, p) count. */
function expectRate(count: number, p: number): void {
  const sd = Math.sqrt(N * p * (1 - p));
  expect(Math.abs(count - N * p)).toBeLessThanOrEqual(4.5 * sd + 1);
}

describe('error-injection profiles', () => {
  it.each(['default', 'chaos'] as const)('%s: each fault occurs at its configured rate', (name) => {
    const counts = faultCounts(planned({ ...SMALL, profile: name }));
    for (const fault of MESSAGE_FAULTS) expectRate(counts[fault] ?? 0, PROFILES[name].faults[fault]);
    const faulty = MESSAGE_FAULTS.reduce((sum, f) => sum + PROFILES[name].faults[f], 0);
    expectRate(counts.none ?? 0, 1 - faulty);
  });

  it('clean: no faults at all', () => {
    expect(faultCounts(planned({ count: 2_000, profile: 'clean' }))).toEqual({ none: 2_000 });
  });

  it('a per-fault rate replaces the profile’s, the others stay', () => {
    const counts = faultCounts(planned({ ...SMALL, profile: 'default', faults: { late: 0.3, oversize: 0 } }));
    expectRate(counts.late ?? 0, 0.3);
    expect(counts.oversize).toBeUndefined();
    expectRate(counts.malformed_json ?? 0, PROFILES.default.faults.malformed_json);
  });

  it('a fault at rate 1 marks every message but the first (nothing to duplicate yet)', () => {
    const only: Partial<Record<MessageFault, number>> = Object.fromEntries(MESSAGE_FAULTS.map((f) => [f, 0]));
    const counts = faultCounts(planned({ count: 500, profile: 'clean', faults: { ...only, duplicate: 1 } }));
    expect(counts).toEqual({ none: 1, duplicate: 499 });
  });
});
