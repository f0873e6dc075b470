import { randomInt } from 'node:crypto';
import type { FleetPlan } from './fleet-source.js';
import type { SimulationOptions } from './options.js';
import { PROFILES, type ProfileName } from './profiles.js';
import type { ReplayPlan } from './replay-source.js';

export const DEFAULT_DEVICES = 10;
export const DEFAULT_RATE = 100;

export type RunPlan =
  | { readonly kind: 'fleet'; readonly profile: ProfileName; readonly fleet: FleetPlan }
  | { readonly kind: 'replay'; readonly replay: ReplayPlan };

/** The plan of a run from validated options: the profile merged with its overrides, defaults filled in. */
export function planRun(options: SimulationOptions, nowMs: number = Date.now()): RunPlan {
  if (options.input !== undefined) {
    return {
      kind: 'replay',
      replay: {
        input: options.input,
        topics: options.topics,
        defaultTopic: options.defaultTopic ?? (options.topics.length === 1 ? options.topics[0] : undefined),
        rate: options.rate,
      },
    };
  }
  const profileName = options.profile ?? 'default';
  const profile = PROFILES[profileName];
  const { startTime } = options;
  return {
    kind: 'fleet',
    profile: profileName,
    fleet: {
      topics: options.topics,
      devices: options.devices ?? DEFAULT_DEVICES,
      seed: options.seed ?? randomInt(0, 0x1_0000_0000),
      startTimeMs: startTime === undefined ? nowMs : typeof startTime === 'number' ? startTime : Date.parse(startTime),
      rate: options.rate ?? DEFAULT_RATE,
      count: options.count,
      durationMs: options.durationMs,
      faults: { ...profile.faults, ...options.faults },
      schemaDrift: options.schemaDrift === undefined ? profile.schemaDrift : options.schemaDrift,
      bursts: options.bursts === undefined ? profile.bursts : options.bursts,
      maxRecordBytes: options.maxRecordBytes,
    },
  };
}
