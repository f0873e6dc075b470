import {
  type FleetPlan,
  fleetMessages,
  type OutgoingMessage,
  parseSimulationOptions,
  planRun,
  type SimulationOptionsInput,
} from '../../src/index.js';

export const TOPICS = ['sensors', 'gps', 'power'] as const;
export const START_TIME = '2025-03-01T12:00:00Z';

/** The fleet plan of these options (topics, seed and start time pinned unless given). */
export function fleetPlan(options: Partial<SimulationOptionsInput> = {}): FleetPlan {
  const plan = planRun(
    parseSimulationOptions({ topics: [...TOPICS], count: 1_000, seed: 42, startTime: START_TIME, ...options }),
  );
  if (plan.kind !== 'fleet') throw new Error('expected a fleet plan');
  return plan.fleet;
}

/** Every message of a planned fleet run. */
export function planned(options: Partial<SimulationOptionsInput> = {}): OutgoingMessage[] {
  return [...fleetMessages(fleetPlan(options))];
}
