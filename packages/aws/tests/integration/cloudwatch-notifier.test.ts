import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { ConfigError, RetryableError } from '@lean-ops/core';
import { awsClientConfig, freePort, startMotoServer } from '@lean-ops/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { CloudWatchNotifier } from '../../src/index.js';
import { sharedServerClient } from '../helpers/shared-setup.js';

const env = sharedServerClient(startMotoServer, (endpoint) => new CloudWatchClient(awsClientConfig(endpoint)));
afterAll(() => env.dispose());

/** The sum of a metric's data points for one topic over the last hour (and the next minute). */
async function sum(cloudwatch: CloudWatchClient, namespace: string, metric: string, topic: string): Promise<number> {
  const now = Date.now();
  const out = await cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: namespace,
      MetricName: metric,
      Dimensions: [{ Name: 'Topic', Value: topic }],
      StartTime: new Date(now - 3_600_000),
      EndTime: new Date(now + 60_000),
      Period: 3_600,
      Statistics: ['Sum'],
    }),
  );
  return (out.Datapoints ?? []).reduce((total, point) => total + (point.Sum ?? 0), 0);
}

describe('Class: CloudWatchNotifier (moto CloudWatch)', () => {
  it('puts DriftDetected (the column count) and MissingSchema (1) with a Topic dimension in LeanOps', async () => {
    // Prepare
    const { client: cloudwatch } = await env.get();
    const notifier = new CloudWatchNotifier({ client: cloudwatch });

    // Act
    await notifier.notify({ kind: 'drift', topic: 'telemetry', columns: ['payload_a', 'payload_b', 'payload_c'] });
    await notifier.notify({ kind: 'missing_schema', topic: 'alerts' });

    // Assess
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'LeanOps' }));
    expect(
      (listed.Metrics ?? []).map((m) => `${m.MetricName} ${m.Dimensions?.map((d) => `${d.Name}=${d.Value}`)}`).sort(),
    ).toEqual(['DriftDetected Topic=telemetry', 'MissingSchema Topic=alerts']);
    expect(await sum(cloudwatch, 'LeanOps', 'DriftDetected', 'telemetry')).toBe(3);
    expect(await sum(cloudwatch, 'LeanOps', 'MissingSchema', 'alerts')).toBe(1);
  });

  it('puts the lag gauges CurationPendingRecords and SemanticLagSeconds that the alarms watch', async () => {
    // Prepare
    const { client: cloudwatch } = await env.get();
    const notifier = new CloudWatchNotifier({ client: cloudwatch, namespace: 'LeanOps/Lag' });

    // Act
    await notifier.notify({ kind: 'lag', topic: 'telemetry', curationPendingRecords: 1234, semanticLagSeconds: 61 });

    // Assess
    expect(await sum(cloudwatch, 'LeanOps/Lag', 'CurationPendingRecords', 'telemetry')).toBe(1234);
    expect(await sum(cloudwatch, 'LeanOps/Lag', 'SemanticLagSeconds', 'telemetry')).toBe(61);
  });

  it('puts the table health gauges with Topic and Layer dimensions, only for tables that exist', async () => {
    // Prepare
    const { client: cloudwatch } = await env.get();
    const notifier = new CloudWatchNotifier({ client: cloudwatch, namespace: 'LeanOps/Tables' });
    const figures = {
      data_files: 12,
      small_files: 3,
      avg_file_bytes: 4096,
      data_bytes: 49_152,
      delete_files: 1,
      snapshots: 7,
      oldest_snapshot_age_seconds: 3600,
      manifests: 2,
      metadata_files: 9,
    };

    // Act
    await notifier.notify({
      kind: 'table_health',
      topic: 'telemetry',
      tables: [
        { topic: 'telemetry', layer: 'curated', table: 'curated.telemetry', figures },
        { topic: 'telemetry', layer: 'semantic', table: 'semantic.telemetry', figures: null },
      ],
    });

    // Assess
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'LeanOps/Tables' }));
    const names = (listed.Metrics ?? []).map(
      (m) => `${m.MetricName} ${m.Dimensions?.map((d) => `${d.Name}=${d.Value}`).join(',')}`,
    );
    expect(names).toHaveLength(9);
    expect(names).toContain('TableDeleteFiles Topic=telemetry,Layer=curated');
    const stats = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'LeanOps/Tables',
        MetricName: 'TableDataFiles',
        Dimensions: [
          { Name: 'Topic', Value: 'telemetry' },
          { Name: 'Layer', Value: 'curated' },
        ],
        StartTime: new Date(Date.now() - 3_600_000),
        EndTime: new Date(Date.now() + 60_000),
        Period: 3_600,
        Statistics: ['Maximum'],
      }),
    );
    expect(stats.Datapoints?.[0]?.Maximum).toBe(12);
  });

  it('puts the Snowflake auto-refresh gauges; an unreadable status sends running 0 and no pending count', async () => {
    // Prepare
    const { client: cloudwatch } = await env.get();
    const notifier = new CloudWatchNotifier({ client: cloudwatch, namespace: 'LeanOps/Snowflake' });

    // Act
    await notifier.notify({ kind: 'snowflake_auto_refresh', topic: 'telemetry', pendingSnapshots: 14, running: false });
    await notifier.notify({ kind: 'snowflake_auto_refresh', topic: 'alerts', pendingSnapshots: null, running: false });

    // Assess
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'LeanOps/Snowflake' }));
    expect(
      (listed.Metrics ?? []).map((m) => `${m.MetricName} ${m.Dimensions?.map((d) => `${d.Name}=${d.Value}`)}`).sort(),
    ).toEqual([
      'SnowflakeAutoRefreshPendingSnapshots Topic=telemetry',
      'SnowflakeAutoRefreshRunning Topic=alerts',
      'SnowflakeAutoRefreshRunning Topic=telemetry',
    ]);
    expect(await sum(cloudwatch, 'LeanOps/Snowflake', 'SnowflakeAutoRefreshPendingSnapshots', 'telemetry')).toBe(14);
    expect(await sum(cloudwatch, 'LeanOps/Snowflake', 'SnowflakeAutoRefreshRunning', 'telemetry')).toBe(0);
  });

  it('uses the configured namespace, and sends nothing for a drift notice without columns', async () => {
    // Prepare
    const { client: cloudwatch } = await env.get();
    const notifier = new CloudWatchNotifier({ client: cloudwatch, namespace: 'LeanOps/Staging' });

    // Act
    await notifier.notify({ kind: 'drift', topic: 'quiet', columns: [] });
    await notifier.notify({ kind: 'missing_schema', topic: 'orders' });

    // Assess
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'LeanOps/Staging' }));
    expect(listed.Metrics?.map((m) => m.Dimensions?.[0]?.Value)).toEqual(['orders']);
  });

  it('rejects with RetryableError naming the metric when CloudWatch cannot be reached', async () => {
    // Prepare: a port nothing listens on, and no SDK retries.
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const client = new CloudWatchClient({ ...awsClientConfig(endpoint), maxAttempts: 1 });
    const notifier = new CloudWatchNotifier({ client });

    // Act
    const act = notifier.notify({ kind: 'missing_schema', topic: 'alerts' });

    // Assess
    await expect(act).rejects.toThrow(RetryableError);
    await expect(act).rejects.toThrow(/PutMetricData LeanOps\/MissingSchema \(topic alerts\)/);
    client.destroy();
  });

  it('throws ConfigError naming a bad namespace', async () => {
    const { client: cloudwatch } = await env.get();

    expect(() => new CloudWatchNotifier({ client: cloudwatch, namespace: 'AWS/SQS' })).toThrow(ConfigError);
    expect(() => new CloudWatchNotifier({ client: cloudwatch, namespace: '' })).toThrow(/namespace: expected 1–255/);
    expect(() => new CloudWatchNotifier({ client: undefined as unknown as CloudWatchClient })).toThrow(/client:/);
  });
});
