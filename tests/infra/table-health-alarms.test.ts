import { isDeepStrictEqual } from 'node:util';
import { TABLE_HEALTH_METRICS } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../stacks/deploy-config';
import { stageConfig } from '../../stacks/stage';
import { ofType, one } from './recorded';
import { appRun, mockArn, type RecordedResource, ROOT } from './sst-harness';

const ALARM = 'aws:cloudwatch/metricAlarm:MetricAlarm';
const TOPIC_ARN = mockArn('aws:sns/topic:Topic', 'AlarmTopic');
const DEFAULT_CONFIG = 'tests/infra/fixtures/lean-ops.config.json';
const TUNED = 'tests/infra/fixtures/table-health.config.json';

/** The alarmed figures and the app-config threshold each must use (issue 16). */
const ALARMED = [
  { id: 'table-small-files', figure: 'small_files', threshold: 'tableSmallFiles' },
  { id: 'table-delete-files', figure: 'delete_files', threshold: 'tableDeleteFiles' },
  { id: 'table-snapshots', figure: 'snapshots', threshold: 'tableSnapshots' },
] as const;

/** The deploy config of `file`, as the stack reads it (its defaults where it names none). */
const deployConfig = (file: string) => loadDeployConfig(ROOT, { LEAN_OPS_CONFIG: file });

/**
 * What is wrong with the table health alarms among `resources`: each figure must have one
 * alarm over every table of the stage (a Metrics Insights MAX over the scheduler's metric with
 * both dimensions, in the stage's namespace), at the config's threshold, into the alarm topic.
 */
function tableHealthAlarmProblems(resources: readonly RecordedResource[], stage: string, configFile: string): string[] {
  const { config } = deployConfig(configFile);
  const namespace = stageConfig(stage).cloudwatchNamespace;
  const problems: string[] = [];
  for (const { id, figure, threshold } of ALARMED) {
    const found = resources.filter((r) => r.type === ALARM && r.inputs.name === `lean-ops-${stage}-${id}`);
    if (found.length !== 1) {
      problems.push(`${id}: ${found.length} alarms`);
      continue;
    }
    const inputs = found[0]?.inputs ?? {};
    const expected = {
      metricQueries: [
        {
          id: 'worst',
          expression: `SELECT MAX(${TABLE_HEALTH_METRICS[figure]}) FROM SCHEMA("${namespace}", Layer, Topic)`,
          period: 3600,
          returnData: true,
        },
      ],
      comparisonOperator: 'GreaterThanThreshold',
      threshold: config.thresholds[threshold],
      alarmActions: [TOPIC_ARN],
      okActions: [TOPIC_ARN],
    };
    for (const [key, value] of Object.entries(expected))
      if (!isDeepStrictEqual(inputs[key], value))
        problems.push(`${id}: ${key} is ${JSON.stringify(inputs[key])}, expected ${JSON.stringify(value)}`);
  }
  return problems;
}

describe('table health alarms (docs/maintenance.md)', () => {
  it.each(['dev', 'prod'])(
    '%s: one alarm per figure over every table, at the config’s default thresholds',
    async (stage) => {
      const { resources } = await appRun(stage);
      const defaults = deployConfig(DEFAULT_CONFIG).config.thresholds;

      expect(tableHealthAlarmProblems(resources, stage, DEFAULT_CONFIG)).toEqual([]);
      expect(
        ofType(resources, ALARM).filter((a) => /table-(small-files|delete-files|snapshots)$/.test(a.name)),
      ).toHaveLength(3);
      expect(one(resources, ALARM, 'alarm-table-delete-files').inputs).toMatchObject({
        threshold: defaults.tableDeleteFiles,
        treatMissingData: 'ignore',
      });
      expect([defaults.tableSmallFiles, defaults.tableDeleteFiles, defaults.tableSnapshots]).toEqual([1000, 500, 5000]);
    },
  );

  it('takes the thresholds from the app config file, which the Prometheus rules read too', async () => {
    const { resources } = await appRun('prod', TUNED);
    const threshold = (id: string) => one(resources, ALARM, `alarm-${id}`).inputs.threshold;

    expect(tableHealthAlarmProblems(resources, 'prod', TUNED)).toEqual([]);
    expect([threshold('table-small-files'), threshold('table-delete-files'), threshold('table-snapshots')]).toEqual([
      250, 40, 900,
    ]);
  });

  it('catches a planted alarm whose threshold is not the config’s', async () => {
    const { resources } = await appRun('prod');
    const planted = resources.map((r) =>
      r.name === 'alarm-table-snapshots' ? { ...r, inputs: { ...r.inputs, threshold: 4_999 } } : r,
    );

    expect(tableHealthAlarmProblems(planted, 'prod', DEFAULT_CONFIG)).toEqual([
      'table-snapshots: threshold is 4999, expected 5000',
    ]);
  });
});
