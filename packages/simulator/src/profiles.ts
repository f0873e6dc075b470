import { type FaultRates, NO_FAULTS } from './faults.js';

/** A payload key that appears mid-run in some topics. */
export interface SchemaDrift {
  /**
   * Fraction of the run (of `count`, or of `durationMs`) after which the key appears; in a
   * run until stopped, a fraction of one minute.
   */
  readonly at: number;
  /** Topics whose payload gains the key: a list, or `all`. @defaultValue the first topic */
  readonly topics?: readonly string[] | 'all' | undefined;
}

/** Rate spikes: the last `lengthMs` of every `everyMs` run at `multiplier` × the rate. */
export interface Bursts {
  readonly everyMs: number;
  readonly lengthMs: number;
  readonly multiplier: number;
}

export interface Profile {
  readonly description: string;
  readonly faults: FaultRates;
  readonly schemaDrift: SchemaDrift | null;
  readonly bursts: Bursts | null;
}

export const PROFILE_NAMES = ['clean', 'default', 'chaos'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The named error-injection profiles (`--profile NAME`); any rate can be overridden. */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  clean: {
    description: 'contract-valid messages only, steady rate',
    faults: NO_FAULTS,
    schemaDrift: null,
    bursts: null,
  },
  default: {
    description: 'a few % of each fault, drift half-way on the first topic, a 2 s burst every 30 s',
    faults: {
      malformed_json: 0.02,
      not_an_object: 0.005,
      missing_field: 0.02,
      wrong_type: 0.02,
      // ~1 MiB bodies: rare, or they dominate the bytes sent.
      oversize: 0.002,
      unknown_topic: 0.02,
      duplicate: 0.03,
      out_of_order: 0.03,
      late: 0.02,
    },
    schemaDrift: { at: 0.5 },
    bursts: { everyMs: 30_000, lengthMs: 2_000, multiplier: 5 },
  },
  chaos: {
    description: 'about half the messages faulty, drift early on every topic, a 3 s burst every 10 s',
    faults: {
      malformed_json: 0.06,
      not_an_object: 0.02,
      missing_field: 0.06,
      wrong_type: 0.06,
      oversize: 0.01,
      unknown_topic: 0.05,
      duplicate: 0.1,
      out_of_order: 0.1,
      late: 0.08,
    },
    schemaDrift: { at: 0.25, topics: 'all' },
    bursts: { everyMs: 10_000, lengthMs: 3_000, multiplier: 10 },
  },
};
