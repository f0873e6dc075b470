import { INGEST_METRICS } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { metricMathOverLimit, oversizedPolicies } from './guardrails';
import { actionsOn, ofType, one, roleStatements } from './recorded';
import { appRun, mockArn } from './sst-harness';

const POLICY = 'aws:appautoscaling/policy:Policy';

/** The metrics of the ingest scaling policy of a run. */
async function scalingMetrics(configFile: string) {
  const { resources } = await appRun('prod', configFile);
  const policy = one(resources, POLICY, 'IngestBacklogPerTaskPolicy').inputs as {
    targetTrackingScalingPolicyConfiguration: {
      customizedMetricSpecification: { metrics: { id: string; metricStat?: unknown; expression?: string }[] };
    };
  };
  return { resources, metrics: policy.targetTrackingScalingPolicyConfiguration.customizedMetricSpecification.metrics };
}

describe('ingest scaling for 1 to 200 topics', () => {
  it.each([1, 9, 10, 200])(
    '%i topic(s): one policy over two metrics (backlog, running tasks), within CloudWatch’s 10',
    async (topics) => {
      const { resources, metrics } = await scalingMetrics(`tests/infra/fixtures/topics-${topics}.config.json`);

      expect(ofType(resources, 'aws:sqs/queue:Queue')).toHaveLength(2 * topics);
      expect(metrics.map((m) => m.id)).toEqual(['backlog', 'tasks', 'backlog_per_task']);
      expect(metrics.filter((m) => m.metricStat !== undefined)).toHaveLength(2);
      expect(metricMathOverLimit(resources)).toEqual([]);
    },
  );

  it('200 topics: the ingest role may publish its backlog, in the stage namespace only', async () => {
    const { resources } = await appRun('prod', 'tests/infra/fixtures/topics-200.config.json');
    const publish = roleStatements(resources, 'IngestTaskRole').find((s) =>
      [s.Action].flat().includes('cloudwatch:PutMetricData'),
    );

    expect(publish).toMatchObject({
      Resource: ['*'],
      Condition: { StringEquals: { 'cloudwatch:namespace': ['LeanOps'] } },
    });
    expect(INGEST_METRICS.backlog).toBe('IngestBacklog');
  });

  it('200 topics: every role’s policies stay within IAM’s quotas, still naming every queue and stream', async () => {
    const { resources } = await appRun('prod', 'tests/infra/fixtures/topics-200.config.json');
    const policies = ofType(resources, 'aws:iam/policy:Policy').filter((p) =>
      p.name.startsWith('IngestTaskRoleTopics-'),
    );
    const attachments = ofType(resources, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment');
    const named = policies.map((p) => String(p.inputs.policy)).join('\n');

    expect(oversizedPolicies(resources)).toEqual([]);
    expect(policies.length).toBeGreaterThan(1);
    expect(attachments.filter((a) => /-IngestTaskRole-/.test(String(a.inputs.role)))).toHaveLength(policies.length);
    expect(policies.length).toBeLessThanOrEqual(10);
    for (const queue of ofType(resources, 'aws:sqs/queue:Queue')) {
      expect(named, queue.name).toContain(mockArn('aws:sqs/queue:Queue', queue.name));
    }
    for (const stream of ofType(resources, 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream')) {
      expect(named, stream.name).toContain(mockArn(stream.type, stream.name));
    }
  });

  it('2 topics: the per-topic statements stay inline in the task roles', async () => {
    const { resources } = await appRun('prod');

    expect(ofType(resources, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment')).toEqual([]);
    expect(
      actionsOn(roleStatements(resources, 'IngestTaskRole'), mockArn('aws:sqs/queue:Queue', 'topic-alerts-queue')),
    ).toContain('sqs:ReceiveMessage');
  });
});
