/**
 * When Glue runs, in lean-ops and in the seeds' design, and what a day of it bills; with the
 * semantic freshness that schedule gives.
 *
 * lean-ops: one curation and one semantic job run serve every topic with pending RAW data.
 * Runs start when a trigger finds new data (the RAW watcher every `rawPollSeconds`, the timer
 * every `triggerIntervalSeconds`), never sooner than `minRunIntervalSeconds` after the last
 * one, and never while one is still running. With steady traffic on every topic, some topic
 * commits every `commitInterval / topics` seconds, so the run interval is
 *
 *   I = max(minRunInterval, max(commitInterval / topics, min(rawPoll, timer)), run duration)
 *
 * and a run's duration depends on the rows that arrived during I (solved below).
 *
 * The seeds' design: a Step Function run per topic every `triggerIntervalSeconds`, each with
 * its own curation and semantic job run over that topic's data.
 *
 * Semantic freshness p99 ≈ Firehose commit interval + wait for the next run + curation +
 * semantic durations: a record waits for its topic's commit, then at most one run interval
 * for a run to start, then both jobs.
 */
import { CostModelError } from './cost-model-error.js';
import {
  type GlueExecutionClass,
  type GlueSizing,
  glueBilledSeconds,
  glueDpuHourUsd,
  glueDpus,
  glueJobRunsUsd,
  glueJobSeconds,
  SECONDS_PER_DAY,
} from './glue-model.js';
import { SPARK_ROWS_PER_DPU_SECOND } from './measured.js';

export interface GlueScheduleInput {
  readonly topics: number;
  /** Messages per second over all topics. */
  readonly msgsPerSecond: number;
  /** Seconds between two Firehose commits of one topic. */
  readonly commitIntervalSeconds: number;
  readonly minRunIntervalSeconds: number;
  readonly triggerIntervalSeconds: number;
  /** The RAW watcher's poll; 0 = off (only the timer triggers). */
  readonly rawPollSeconds: number;
  readonly sizing: GlueSizing;
}

export interface GlueSchedule {
  /** Seconds between two runs (a run: one curation and one semantic job run). */
  readonly runIntervalSeconds: number;
  readonly runsPerDay: number;
  readonly jobRunsPerDay: number;
  /** Topics one job run processes. */
  readonly topicsPerJobRun: number;
  readonly rowsPerJobRun: number;
  readonly dpus: number;
  readonly executionClass: GlueExecutionClass;
  /** Wall-clock seconds of one job run (curation and semantic alike). */
  readonly jobSeconds: number;
  readonly billedSecondsPerJobRun: number;
  readonly usdPerDay: number;
  /** False when the jobs cannot process the data as fast as it arrives: Glue then runs all day and freshness grows without bound. */
  readonly keepsUp: boolean;
  /** Semantic freshness p99 in seconds; `null` when the jobs do not keep up. */
  readonly freshnessP99Seconds: number | null;
}

/** lean-ops' schedule: runs shared by every topic with pending data, at most one per `minRunIntervalSeconds`. */
export function leanGlueSchedule(input: GlueScheduleInput): GlueSchedule {
  checkInput(input);
  const dpus = glueDpus(input.sizing);
  const { topics, commitIntervalSeconds } = input;
  const detection =
    input.rawPollSeconds > 0
      ? Math.min(input.rawPollSeconds, input.triggerIntervalSeconds)
      : input.triggerIntervalSeconds;
  const floor = Math.max(input.minRunIntervalSeconds, commitIntervalSeconds / topics, detection);
  // Curation then semantic, each over the rows that arrived during the interval: a run of
  // length I takes 2 × (start + topics × per-topic + rate × I / throughput). The fraction of
  // a run spent on rows must stay below one, or the backlog grows forever.
  const rowShare = (2 * input.msgsPerSecond) / (SPARK_ROWS_PER_DPU_SECOND.value * dpus);
  const topicsIn = (interval: number) => topics * Math.min(1, interval / commitIntervalSeconds);
  const jobSecondsAt = (interval: number) =>
    glueJobSeconds({ topics: topicsIn(interval), rows: input.msgsPerSecond * interval, dpus });
  if (rowShare >= 1) {
    const usdPerDay = ((SECONDS_PER_DAY * dpus) / 3600) * glueDpuHourUsd(input.sizing.executionClass);
    return notKeepingUp(input, dpus, floor, jobSecondsAt(floor), usdPerDay);
  }
  let interval = floor;
  for (let i = 0; i < 200; i++) {
    const next = Math.max(floor, 2 * jobSecondsAt(interval));
    if (Math.abs(next - interval) < 1e-9) break;
    interval = next;
  }
  const jobSeconds = jobSecondsAt(interval);
  const billed = glueBilledSeconds(jobSeconds);
  const runsPerDay = SECONDS_PER_DAY / interval;
  const jobRunsPerDay = 2 * runsPerDay;
  return {
    runIntervalSeconds: interval,
    runsPerDay,
    jobRunsPerDay,
    topicsPerJobRun: topicsIn(interval),
    rowsPerJobRun: input.msgsPerSecond * interval,
    dpus,
    executionClass: input.sizing.executionClass,
    jobSeconds,
    billedSecondsPerJobRun: billed,
    usdPerDay: glueJobRunsUsd({
      count: jobRunsPerDay,
      dpus,
      billedSeconds: billed,
      executionClass: input.sizing.executionClass,
    }),
    keepsUp: true,
    freshnessP99Seconds: commitIntervalSeconds + interval + 2 * jobSeconds,
  };
}

/**
 * The seeds' schedule: every topic runs every `triggerIntervalSeconds`, two job runs each, on
 * the same workers as lean-ops at this stage (the seeds name no sizing) and the standard
 * execution class (they name no Flex). Their backlog loop (an immediate re-run after more than
 * 10,000 records) is left out, which can only make the seeds' design cheaper here.
 */
export function seedsGlueSchedule(input: GlueScheduleInput): GlueSchedule {
  checkInput(input);
  const dpus = glueDpus(input.sizing);
  const interval = input.triggerIntervalSeconds;
  const rows = (input.msgsPerSecond / input.topics) * interval;
  const jobSeconds = glueJobSeconds({ topics: 1, rows, dpus });
  const billed = glueBilledSeconds(jobSeconds);
  const runsPerDay = (input.topics * SECONDS_PER_DAY) / interval;
  const jobRunsPerDay = 2 * runsPerDay;
  const keepsUp = 2 * jobSeconds <= interval;
  return {
    runIntervalSeconds: interval,
    runsPerDay,
    jobRunsPerDay,
    topicsPerJobRun: 1,
    rowsPerJobRun: rows,
    dpus,
    executionClass: 'STANDARD',
    jobSeconds,
    billedSecondsPerJobRun: billed,
    usdPerDay: glueJobRunsUsd({ count: jobRunsPerDay, dpus, billedSeconds: billed, executionClass: 'STANDARD' }),
    keepsUp,
    freshnessP99Seconds: keepsUp ? input.commitIntervalSeconds + interval + 2 * jobSeconds : null,
  };
}

function notKeepingUp(
  input: GlueScheduleInput,
  dpus: number,
  interval: number,
  jobSeconds: number,
  usdPerDay: number,
): GlueSchedule {
  return {
    runIntervalSeconds: interval,
    runsPerDay: SECONDS_PER_DAY / (2 * jobSeconds),
    jobRunsPerDay: SECONDS_PER_DAY / jobSeconds,
    topicsPerJobRun: input.topics,
    rowsPerJobRun: input.msgsPerSecond * interval,
    dpus,
    executionClass: input.sizing.executionClass,
    jobSeconds,
    billedSecondsPerJobRun: glueBilledSeconds(jobSeconds),
    usdPerDay,
    keepsUp: false,
    freshnessP99Seconds: null,
  };
}

function checkInput(input: GlueScheduleInput): void {
  const problems: string[] = [];
  const positive = (name: keyof GlueScheduleInput) => {
    const value = input[name];
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
      problems.push(`${name}: must be > 0 (got ${value})`);
  };
  positive('topics');
  positive('msgsPerSecond');
  positive('commitIntervalSeconds');
  positive('triggerIntervalSeconds');
  if (!(input.minRunIntervalSeconds >= 0))
    problems.push(`minRunIntervalSeconds: must be ≥ 0 (got ${input.minRunIntervalSeconds})`);
  if (!(input.rawPollSeconds >= 0)) problems.push(`rawPollSeconds: must be ≥ 0 (got ${input.rawPollSeconds})`);
  if (problems.length > 0) throw new CostModelError(`invalid Glue schedule input: ${problems.join('; ')}`);
}
