export { type BodyClaims, bodyClaims } from './body-claims.js';
export { DeviceFleet, deviceId, type Reading, readingMessage } from './device-fleet.js';
export { type ExpectedFate, expectedFate, type FateContext } from './expected-fate.js';
export {
  type FaultRates,
  type LedgerFault,
  MESSAGE_FAULTS,
  type MessageFault,
  OVERSIZE_MARGIN_BYTES,
} from './faults.js';
export { type FleetPlan, fleetMessages } from './fleet-source.js';
export {
  LEGACY_RUN_ID,
  type LedgerEntry,
  LedgerWriter,
  type NotSentLedgerEntry,
  readLedger,
  type SentLedgerEntry,
} from './ledger.js';
export { parseSimulationOptions, type SimulationOptions, type SimulationOptionsInput } from './options.js';
export type { OutgoingMessage } from './outgoing-message.js';
export { type Bursts, PROFILE_NAMES, PROFILES, type Profile, type ProfileName, type SchemaDrift } from './profiles.js';
export type { ReplayPlan } from './replay-source.js';
export { planRun, type RunPlan } from './run-plan.js';
export {
  runSimulation,
  type SimulationHooks,
  type SimulationProgress,
  type SimulationSummary,
} from './run-simulation.js';
export type { SendFailure, SimulationCounts, TopicCounts } from './tally.js';
