import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { ConfigError, INGEST_METRICS, RetryableError } from '@lean-ops/core';
import { awsClientConfig, freePort, startMotoServer } from '@lean-ops/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { CloudWatchBacklogPublisher } from '../../src/index.js';
import { sharedServerClient } from '../helpers/shared-setup.js';

const env = sharedServerClient(startMotoServer, (endpoint) => new CloudWatchClient(awsClientConfig(endpoint)));
afterAll(() => env.dispose());

describe('Class: CloudWatchBacklogPublisher (moto CloudWatch)', () => {
  it('puts IngestBacklog with dimension Service=ingest in the stage namespace, as the scaling policy reads it', async () => {
    // Prepare
    const { client: cloudwatch } = await env.get();
    const publisher = new CloudWatchBacklogPublisher({ client: cloudwatch, namespace: 'LeanOps/staging' });

    // Act
    await publisher.publish(12_345);
    await publisher.publish(0);

    // Assess
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'LeanOps/staging' }));
    expect(listed.Metrics?.map((m) => [m.MetricName, m.Dimensions])).toEqual([
      [INGEST_METRICS.backlog, [{ Name: 'Service', Value: 'ingest' }]],
    ]);
    const now = Date.now();
    const stats = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'LeanOps/staging',
        MetricName: 'IngestBacklog',
        Dimensions: [{ Name: 'Service', Value: 'ingest' }],
        StartTime: new Date(now - 3_600_000),
        EndTime: new Date(now + 60_000),
        Period: 3_600,
        Statistics: ['Maximum', 'SampleCount'],
      }),
    );
    expect(stats.Datapoints?.map((p) => [p.Maximum, p.SampleCount])).toEqual([[12_345, 2]]);
  });

  it('rejects with RetryableError naming namespace and metric when CloudWatch cannot be reached', async () => {
    const client = new CloudWatchClient({
      ...awsClientConfig(`http://127.0.0.1:${await freePort()}`),
      maxAttempts: 1,
    });
    const publisher = new CloudWatchBacklogPublisher({ client, namespace: 'LeanOps/dev' });

    const act = publisher.publish(1);

    await expect(act).rejects.toThrow(RetryableError);
    await expect(act).rejects.toThrow(/PutMetricData LeanOps\/dev\/IngestBacklog/);
    client.destroy();
  });

  it('refuses a missing or AWS-reserved namespace and a negative backlog', async () => {
    const { client } = await env.get();

    expect(() => new CloudWatchBacklogPublisher({ client, namespace: 'AWS/SQS' })).toThrow(ConfigError);
    expect(() => new CloudWatchBacklogPublisher({ client, namespace: undefined as unknown as string })).toThrow(
      /namespace: expected 1–255/,
    );
    await expect(new CloudWatchBacklogPublisher({ client, namespace: 'LeanOps' }).publish(-1)).rejects.toThrow(
      /backlog must be a number ≥ 0/,
    );
  });
});
