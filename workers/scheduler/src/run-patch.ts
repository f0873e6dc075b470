import type { RunState } from './run-state.js';

/** What one step adds to the run state. */
export type Patch = Partial<Omit<RunState, 'topic' | 'trigger' | 'started_at' | 'completed' | 'timings'>>;

/** A value an earlier step saved; its absence means the saved state is not a run's. */
export function required<T>(value: T | undefined, what: string, topic: string): T {
  if (value === undefined) throw new Error(`run of ${topic}: ${what} missing from the saved run state`);
  return value;
}
