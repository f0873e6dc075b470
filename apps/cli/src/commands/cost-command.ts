import { loadConfig } from '@lean-ops/config';
import { ConfigError, stageSizing } from '@lean-ops/core';
import {
  COMPONENTS,
  type CostReport,
  type CostScenario,
  costReport,
  estimateCost,
  freshnessTableMarkdown,
} from '@lean-ops/cost';
import type { Command } from 'commander';

interface CostFlags {
  config?: string;
  stage: string;
  topics?: string;
  msgsPerS: string;
  msgBytes: string;
  json?: boolean;
  freshnessTable?: boolean;
}

/** The stage the estimate is for when `--stage` is not given: the one that pays. */
export const DEFAULT_COST_STAGE = 'prod';
/** The reference load: 1,000 messages per second of ~1 KiB (bench:ingest's size). */
export const DEFAULT_MSGS_PER_SECOND = 1000;
export const DEFAULT_MSG_BYTES = 1024;

/** A flag's value as a number within its rule, or the problem naming the flag. */
function numberFlag(
  flag: string,
  text: string,
  rule: { integer: boolean; min: number; max?: number; exclusiveMin?: boolean },
  problems: string[],
): number {
  const value = Number(text);
  const bounds = rule.max === undefined ? `${rule.exclusiveMin ? '>' : '≥'} ${rule.min}` : `${rule.min} to ${rule.max}`;
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    (rule.integer && !Number.isInteger(value)) ||
    (rule.exclusiveMin ? value <= rule.min : value < rule.min) ||
    (rule.max !== undefined && value > rule.max)
  ) {
    problems.push(
      `${flag}: expected ${rule.integer ? 'an integer' : 'a number'} ${bounds} (got ${JSON.stringify(text)})`,
    );
  }
  return value;
}

/** The scenario the flags, the config file and the stage describe. */
export function costScenario(flags: CostFlags): CostScenario {
  const problems: string[] = [];
  let stage: ReturnType<typeof stageSizing> | undefined;
  try {
    stage = stageSizing(flags.stage);
  } catch (err) {
    problems.push(`--stage: ${(err as Error).message}`);
  }
  const topics =
    flags.topics === undefined ? undefined : numberFlag('--topics', flags.topics, { integer: true, min: 1 }, problems);
  const msgsPerSecond = numberFlag(
    '--msgs-per-s',
    flags.msgsPerS,
    { integer: false, min: 0, exclusiveMin: true },
    problems,
  );
  const msgBytes = numberFlag('--msg-bytes', flags.msgBytes, { integer: true, min: 1, max: 1024 * 1024 }, problems);
  if (problems.length > 0 || stage === undefined) throw new ConfigError('cost flags', problems);
  // With --topics the config's topic list is not needed: a scenario without any config file is priced on the defaults.
  const env =
    topics === undefined || process.env.LEAN_OPS_TOPICS ? process.env : { ...process.env, LEAN_OPS_TOPICS: 'scenario' };
  const config = loadConfig({ file: flags.config, env });
  return {
    stage,
    topics: topics ?? config.topics.length,
    msgsPerSecond,
    msgBytes,
    triggerIntervalSeconds: config.thresholds.triggerIntervalSeconds,
    rawPollSeconds: config.scheduler.rawPollSeconds,
    pollersPerQueue: config.ingest.pollersPerQueue,
    waitTimeSeconds: config.ingest.waitTimeSeconds,
  };
}

const money = (value: number) =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const duration = (seconds: number | null) => (seconds === null ? 'unbounded' : `${(seconds / 60).toFixed(1)} min`);

/** The report as an aligned table: a component per row, lean-ops and the seeds' design side by side. */
export function humanCostReport(report: CostReport): string {
  const header = ['component', 'lean-ops $/day', 'lean-ops $/month', 'seeds $/day', 'seeds $/month', 'lean-ops basis'];
  const rows = COMPONENTS.map((name) => {
    const own = report.components[name];
    const seeds = report.seeds.components[name];
    return [
      name,
      money(own.usd_per_day),
      money(own.usd_per_month),
      money(seeds.usd_per_day),
      money(seeds.usd_per_month),
      own.basis,
    ];
  });
  rows.push([
    'total',
    money(report.total_usd_per_day),
    money(report.total_usd_per_month),
    money(report.seeds.total_usd_per_day),
    money(report.seeds.total_usd_per_month),
    '',
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  // Names and the basis read left-aligned; amounts right-aligned so that their points line up.
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const glue = report.glue;
  const seedsGlue = report.seeds.glue;
  return [
    `lean-ops cost: stage ${report.stage}, ${report.topics} topics, ${report.msgs_per_s} msg/s of ${report.msg_bytes} B ` +
      `(prices: ${report.price_table.region}, list prices read ${report.price_table.date})`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `Glue lean-ops: a run every ${glue.run_interval_seconds} s (min interval ${report.min_run_interval_seconds} s), ` +
      `${glue.job_runs_per_day.toLocaleString('en-US')} job runs/day × ${glue.dpus} DPU × ${glue.billed_seconds_per_job_run} s ${glue.execution_class}` +
      `${glue.keeps_up ? '' : ' — the jobs do not keep up with the rate'}`,
    `Glue seeds:    a run per topic every ${seedsGlue.run_interval_seconds} s, ${seedsGlue.job_runs_per_day.toLocaleString('en-US')} job runs/day × ` +
      `${seedsGlue.dpus} DPU × ${seedsGlue.billed_seconds_per_job_run} s ${seedsGlue.execution_class}`,
    `Glue share of the seeds' design: ${(100 * report.glue_share_of_seeds).toFixed(1)} %`,
    `semantic freshness p99: lean-ops ${duration(report.freshness_p99_seconds)}, seeds ${duration(report.seeds.freshness_p99_seconds)}`,
    `ingest: ${report.ingest_tasks} tasks${report.ingest_over_capacity ? ' (the rate needs more than the stage’s maxTasks)' : ''}; ` +
      `Firehose commits every ${report.commit_interval_seconds} s per topic`,
    'model, sources and assumptions: docs/cost.md',
  ].join('\n');
}

/** `lean-ops cost`: a day and a month of AWS for a stage at a message rate, next to the seeds' design. */
export function registerCostCommand(program: Command): void {
  program
    .command('cost')
    .description("estimate a stage's AWS cost per day and month at a message rate, next to the seeds' design")
    .option('-c, --config <file>', 'config file (default: LEAN_OPS_CONFIG, else ./lean-ops.config.{json,yaml,yml})')
    .option('--stage <name>', 'stage whose sizes to price (STAGE_SIZING, packages/core)', DEFAULT_COST_STAGE)
    .option('--topics <n>', "number of topics (default: the config's)")
    .option('--msgs-per-s <rate>', 'messages per second over all topics', String(DEFAULT_MSGS_PER_SECOND))
    .option('--msg-bytes <n>', 'bytes of one message body', String(DEFAULT_MSG_BYTES))
    .option('--json', 'print the estimate as JSON')
    .option('--freshness-table', 'print the table min run interval → freshness p99 and Glue $/day (docs/cost.md)')
    .action((flags: CostFlags) => {
      const scenario = costScenario(flags);
      if (flags.freshnessTable) {
        process.stdout.write(freshnessTableMarkdown(scenario));
        return;
      }
      const report = costReport(estimateCost(scenario));
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${humanCostReport(report)}\n`);
    });
}
