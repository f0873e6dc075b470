/**
 * The trade-off between freshness and Glue spend: for each minimum run interval, the semantic
 * freshness p99 and a day of Glue in both execution classes, next to the seeds' design.
 * docs/cost.md holds this table for prod at 20 topics and 1,000 msg/s (`lean-ops cost
 * --freshness-table` prints it; a test checks the committed copy).
 */
import { type CostScenario, estimateCost } from './cost-model.js';
import type { GlueExecutionClass } from './glue-model.js';

/** The minimum run intervals the table lists, in seconds. */
export const FRESHNESS_TABLE_INTERVALS = [60, 120, 180, 240, 300, 360, 480, 600, 900, 1800] as const;

export interface FreshnessRow {
  readonly minRunIntervalSeconds: number;
  readonly runIntervalSeconds: number;
  readonly freshnessP99Seconds: number | null;
  readonly glueUsdPerDay: Readonly<Record<GlueExecutionClass, number>>;
  /** lean-ops' Glue spend at the stage's execution class, as a share of the seeds' design. */
  readonly shareOfSeeds: number;
}

export function freshnessRows(
  scenario: CostScenario,
  intervals: readonly number[] = FRESHNESS_TABLE_INTERVALS,
): FreshnessRow[] {
  return intervals.map((minRunIntervalSeconds) => {
    const at = (executionClass: GlueExecutionClass) =>
      estimateCost({
        ...scenario,
        stage: { ...scenario.stage, glue: { ...scenario.stage.glue, minRunIntervalSeconds, executionClass } },
      });
    const standard = at('STANDARD');
    const flex = at('FLEX');
    const own = scenario.stage.glue.executionClass === 'FLEX' ? flex : standard;
    return {
      minRunIntervalSeconds,
      runIntervalSeconds: standard.leanOps.glue.runIntervalSeconds,
      freshnessP99Seconds: standard.leanOps.glue.freshnessP99Seconds,
      glueUsdPerDay: { STANDARD: standard.leanOps.glue.usdPerDay, FLEX: flex.leanOps.glue.usdPerDay },
      shareOfSeeds: own.leanOps.glue.usdPerDay / own.seeds.glue.usdPerDay,
    };
  });
}

const minutes = (seconds: number | null) => (seconds === null ? 'unbounded' : `${(seconds / 60).toFixed(1)} min`);
const dollars = (value: number) => `$${value.toFixed(2)}`;

/** The rows as a Markdown table. */
export function freshnessTableMarkdown(scenario: CostScenario, intervals?: readonly number[]): string {
  const rows = freshnessRows(scenario, intervals);
  const lines = [
    '| min run interval | run interval | semantic freshness p99 | Glue $/day STANDARD | Glue $/day FLEX | share of the seeds’ Glue |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.minRunIntervalSeconds} s | ${Math.round(r.runIntervalSeconds)} s | ${minutes(r.freshnessP99Seconds)} | ` +
        `${dollars(r.glueUsdPerDay.STANDARD)} | ${dollars(r.glueUsdPerDay.FLEX)} | ${(100 * r.shareOfSeeds).toFixed(1)} % |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
