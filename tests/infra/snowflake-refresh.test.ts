import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../stacks/stage';
import { asList, ofType, one, roleStatements } from './recorded';
import { ACCOUNT_ID, appRun, mockArn, REGION } from './sst-harness';

// The Snowflake refresh in the scheduler (docs/scheduler.md, "Snowflake refresh"): with a
// connection in the app config, the scheduler's task role reads the refresh user's private key
// and one alarm watches every table's auto-refresh; without one, neither exists.
const ALARM = 'aws:cloudwatch/metricAlarm:MetricAlarm';
const CONNECTED = 'tests/infra/fixtures/snowflake-connection.config.json';
const TOPIC_ARN = mockArn('aws:sns/topic:Topic', 'AlarmTopic');

describe('Snowflake refresh: key and alarm', () => {
  it('with a connection: the scheduler reads the key secret (its name and any suffix), and one alarm watches auto-refresh', async () => {
    const { resources } = await appRun('prod', CONNECTED);

    const reads = roleStatements(resources, 'SchedulerTaskRole').filter((s) =>
      asList(s.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(reads).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [`arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:lean-ops/snowflake-key-??????`],
      },
    ]);
    const alarm = one(resources, ALARM, 'alarm-snowflake-auto-refresh').inputs;
    expect(alarm).toMatchObject({
      name: 'lean-ops-prod-snowflake-auto-refresh',
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
      evaluationPeriods: 3,
      treatMissingData: 'notBreaching',
      alarmActions: [TOPIC_ARN],
      metricQueries: [
        {
          id: 'least',
          expression: `SELECT MIN(SnowflakeAutoRefreshRunning) FROM SCHEMA("${stageConfig('prod').cloudwatchNamespace}", Topic)`,
          period: 300,
          returnData: true,
        },
      ],
    });
  });

  it('without a connection: no key read, no alarm', async () => {
    const { resources } = await appRun('prod');

    const actions = roleStatements(resources, 'SchedulerTaskRole').flatMap((s) => asList(s.Action));
    expect(actions).not.toContain('secretsmanager:GetSecretValue');
    expect(ofType(resources, ALARM).filter((a) => a.name === 'alarm-snowflake-auto-refresh')).toEqual([]);
  });
});
