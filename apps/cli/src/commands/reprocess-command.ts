import { randomUUID } from 'node:crypto';
import { ConfigError, stageSizing, type TableFigures } from '@lean-ops/core';
import { reprocessGlueEstimate } from '@lean-ops/cost';
import {
  createRedis,
  REPROCESS_LAYERS,
  type ReprocessLayer,
  type ReprocessRequest,
  RunHistory,
  type RunReport,
} from '@lean-ops/worker-scheduler';
import type { Command } from 'commander';
import { print, runQueueFor, type SchedulerFlags, schedulerContext, withSchedulerFlags } from './scheduler-context.js';
import { waitForReport } from './wait-for-report.js';

interface ReprocessFlags extends SchedulerFlags {
  topic: string;
  layer: string;
  full?: boolean;
  fromSnapshot?: string;
  dryRun?: boolean;
  wait?: boolean;
  timeout: string;
  stage: string;
  json?: boolean;
}

/** The stage a dry run prices the Glue runs for when `--stage` is not given: the one that pays. */
const DEFAULT_ESTIMATE_STAGE = 'prod';

/**
 * `lean-ops reprocess --topic T --layer curated|semantic (--full | --from-snapshot S)`: a
 * rebuild of a layer from its source, run by the scheduler as a run of its own kind
 * (docs/reprocess.md). `--dry-run` prints the plan and waits for it.
 */
export function registerReprocessCommand(program: Command): void {
  withSchedulerFlags(
    program
      .command('reprocess')
      .description(
        'rebuild a layer of one topic from its source (curated from RAW, then semantic; or semantic from curated), through the scheduler',
      )
      .requiredOption('-t, --topic <topic>', 'the topic')
      .requiredOption('-l, --layer <layer>', `the layer to rebuild: ${REPROCESS_LAYERS.join(' | ')}`)
      .option('--full', 'rebuild every row of the layer')
      .option(
        '--from-snapshot <id>',
        "rebuild the rows of the keys changed after this snapshot of the layer's source (RAW for curated, curated for semantic)",
      ),
  )
    .option('--dry-run', 'only plan: what would be read and rewritten, and the Glue cost; writes nothing')
    .option('-w, --wait', 'wait for the reprocess to finish and print its report')
    .option('--timeout <seconds>', 'longest wait with --wait or --dry-run', '3600')
    .option('--stage <stage>', 'the stage whose Glue sizing prices the dry run', DEFAULT_ESTIMATE_STAGE)
    .option('--json', 'print JSON')
    .action(async (flags: ReprocessFlags) => {
      const { config, env, prefix } = schedulerContext(flags);
      const request = requestOf(
        flags,
        config.topics.map((t) => t.name),
      );
      const timeout = Number(flags.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0)
        throw new ConfigError('--timeout', [`expected seconds above 0 (got "${flags.timeout}")`]);
      const connection = createRedis(env.redisUrl);
      const runs = runQueueFor(connection, config, prefix);
      try {
        await runs.requestReprocess(request);
        const what = request.dry_run ? 'dry run of a reprocess' : 'reprocess';
        if (!flags.wait && !request.dry_run) {
          print(
            flags.json
              ? JSON.stringify({ requested: request })
              : `${what} of ${request.topic} ${request.layer} requested (id ${request.id}): the topic's runs wait for it; watch it on the status page or with --wait`,
          );
          return;
        }
        if (!flags.json) print(`${what} of ${request.topic} ${request.layer} requested (id ${request.id}), waiting…`);
        let told = 0;
        const report = await waitForReport(
          new RunHistory(connection, prefix, 1),
          request.topic,
          (r) => r.reprocess?.request.id === request.id,
          timeout,
          what,
          (waited) => {
            // Progress on a long rebuild: one line a minute.
            if (flags.json || waited < (told + 1) * 60_000) return;
            told += 1;
            print(`  still running after ${told} min`);
          },
        );
        print(flags.json ? JSON.stringify(report, null, 2) : describe(report, env.runner, flags.stage));
        if (report.outcome === 'Failed') process.exitCode = 1;
      } finally {
        await runs.close();
        connection.disconnect();
      }
    });
}

/** The request the flags describe; the error names each bad flag. */
export function requestOf(flags: ReprocessFlags, topics: readonly string[]): ReprocessRequest {
  const problems: string[] = [];
  if (!topics.includes(flags.topic))
    problems.push(`--topic: "${flags.topic}" is not a configured topic (${topics.join(', ')})`);
  if (!REPROCESS_LAYERS.includes(flags.layer as ReprocessLayer))
    problems.push(`--layer: expected one of ${REPROCESS_LAYERS.join(', ')} (got "${flags.layer}")`);
  if (flags.full === true && flags.fromSnapshot !== undefined)
    problems.push('--full, --from-snapshot: give one of them, not both');
  if (flags.full !== true && flags.fromSnapshot === undefined)
    problems.push('--full or --from-snapshot <id>: one of them is required (what to rebuild)');
  if (flags.fromSnapshot !== undefined && flags.fromSnapshot.trim() === '')
    problems.push('--from-snapshot: expected a snapshot id');
  if (problems.length > 0) throw new ConfigError('reprocess flags', problems);
  return {
    id: randomUUID(),
    topic: flags.topic,
    layer: flags.layer as ReprocessLayer,
    from_snapshot: flags.fromSnapshot?.trim() ?? null,
    dry_run: flags.dryRun === true,
    requested_at: new Date().toISOString(),
  };
}

const int = (n: number): string => n.toLocaleString('en-US');

function figuresText(f: TableFigures | null): string {
  if (f === null) return 'no table yet';
  const bytes = f.bytes === null ? '' : `, ${(f.bytes / 1_048_576).toFixed(1)} MiB`;
  return `${int(f.records)} records in ${int(f.snapshots)} snapshots${bytes}`;
}

/** The report as the terminal shows it: the plan, what was written, the Glue estimate of a dry run. */
export function describe(report: RunReport, runner: string, stage: string): string {
  const reprocess = report.reprocess;
  const lines = [`${report.topic}: ${report.outcome}`];
  if (report.outcome === 'Failed')
    lines.push(`failed at ${report.failed_step ?? 'unknown step'}: ${report.error?.message ?? 'no error recorded'}`);
  const plan = reprocess?.plan;
  if (plan) {
    const range = `(${plan.from?.id ?? 'start'} → ${plan.to.id}]`;
    lines.push(
      `plan: rebuild ${plan.rebuilds.map((r) => r.layer).join(' then ')} from ${plan.source.layer} snapshots ${range}`,
      `  reads ${plan.source.layer}: ${figuresText(plan.source.figures)}`,
    );
    if (plan.scope_records !== null && plan.from !== null)
      lines.push(`  keys in scope from ${int(plan.scope_records)} RAW records after ${plan.from.id}`);
    for (const r of plan.rebuilds) lines.push(`  rewrites ${r.layer}: ${figuresText(r.figures)} now`);
    if (reprocess?.request.dry_run) lines.push(estimateText(plan, runner, stage));
  }
  if (report.curation_records_written !== undefined)
    lines.push(`curated: ${int(report.curation_records_written)} records written`);
  if (report.semantic_records_written !== undefined)
    lines.push(
      `semantic: ${int(report.semantic_records_written)} records written, ${int(report.semantic_records_rejected ?? 0)} rejected`,
    );
  if (report.outcome === 'Reprocessed')
    lines.push('a pipeline run follows at once to take the RAW that arrived meanwhile');
  return lines.join('\n');
}

function estimateText(
  plan: NonNullable<NonNullable<RunReport['reprocess']>['plan']>,
  runner: string,
  stage: string,
): string {
  const sizing = stageSizing(stage).glue;
  // A rebuild reads its whole source table (the scope's keys are found in it); a following semantic rebuild reads curated.
  const curatedRows = plan.rebuilds.find((r) => r.layer === 'curated')?.figures?.records ?? 0;
  const estimate = reprocessGlueEstimate(
    plan.rebuilds.map((r, i) => ({
      job: r.layer === 'curated' ? 'curation' : 'semantic',
      rows: i === 0 ? (plan.source.figures?.records ?? 0) : curatedRows,
    })),
    sizing,
  );
  const runs = estimate.runs.map((r) => `${r.job} ~${Math.round(r.seconds)} s`).join(', ');
  const where = runner === 'glue' ? '' : ' (this scheduler runs the local engine: no Glue cost here)';
  return `  Glue on stage ${stage} (${sizing.workers} × ${sizing.workerType} ${sizing.executionClass}): ${runs}, ≈ $${estimate.usd.toFixed(3)}${where}`;
}
