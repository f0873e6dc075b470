import { join } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import { alertRules, renderRules, SERVICE_JOBS } from '@lean-ops/observability';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { containersOf, ofType, one, type PolicyDocument, parsed } from './recorded';
import { ACCOUNT_ID, appRun, mockArn, REGION, ROOT } from './sst-harness';

// The alert rules in Amazon Managed Prometheus (issue 17): with `managedPrometheus` on, one rule
// groups namespace in the stage's workspace holding the rules rendered from the deploy config's
// thresholds (the values the CloudWatch alarms use); with it off, none.
const NAMESPACE = 'aws:amp/ruleGroupNamespace:RuleGroupNamespace';
const ALERT_MANAGER = 'aws:amp/alertManagerDefinition:AlertManagerDefinition';
/** stacks/managed-prometheus.ts RULES_NAMESPACE (not imported: stacks/ needs SST's globals to typecheck). */
const RULES_NAMESPACE = 'lean-ops';
const TUNED = 'tests/infra/fixtures/tuned.config.json';
const SERVICES = ['Ingest', 'DlqProcessor', 'Scheduler'] as const;

const thresholdsOf = (file: string) => loadConfig({ file: join(ROOT, file), env: {} }).thresholds;

describe('Amazon Managed Prometheus rules', () => {
  it('prod: the workspace holds the rules rendered from the config’s thresholds', async () => {
    const run = await appRun('prod', TUNED);
    const [namespace, ...others] = ofType(run.resources, NAMESPACE);

    expect(others).toEqual([]);
    expect(namespace?.inputs).toMatchObject({ name: RULES_NAMESPACE, workspaceId: 'PrometheusWorkspace-id' });
    const data = namespace?.inputs.data;
    expect(data).toBe(renderRules(thresholdsOf(TUNED)));
    // The fixture's thresholds, not the defaults: 86400 s DLQ age, 5000 pending, 600 s lag.
    const expr = Object.fromEntries(alertRules(thresholdsOf(TUNED)).map((a) => [a.alert, a.expr]));
    expect(expr.LeanOpsDlqMessageTooOld).toMatch(/> 86400$/);
    expect(data).toContain(expr.LeanOpsDlqMessageTooOld);
    expect(data).toContain('leanops_scheduler_curation_pending_records) > 5000');
    expect(data).not.toContain('> 604800');
  });

  it('prod: the rules expect the job names the ADOT sidecars scrape with', async () => {
    const run = await appRun('prod', TUNED);
    const jobs = SERVICES.map((service) => {
      const [, sidecar] = containersOf(run, service);
      const config = sidecar?.environment.find((e) => e.name === 'AOT_CONFIG_CONTENT')?.value ?? '';
      return /job_name: (\S+)/.exec(config)?.[1];
    });

    expect(jobs).toEqual([...SERVICE_JOBS]);
  });

  it('prod: every sidecar labels its series with the stage (the dashboards’ `stage` variable)', async () => {
    const run = await appRun('prod', TUNED);
    for (const service of SERVICES) {
      const [, sidecar] = containersOf(run, service);
      const config = sidecar?.environment.find((e) => e.name === 'AOT_CONFIG_CONTENT')?.value ?? '';
      const scrape = parse(config).receivers.prometheus.config.scrape_configs[0];
      expect(scrape.static_configs[0].labels).toEqual({ stage: 'prod' });
    }
  });

  it('keeps within AMP’s limits on names', async () => {
    const run = await appRun('prod', TUNED);
    const { name, data } = one(run.resources, NAMESPACE, 'PrometheusRules').inputs as { name: string; data: string };
    const groups = (parse(data) as { groups: { name: string }[] }).groups;

    // CreateRuleGroupsNamespace: name 1–64 of [0-9A-Za-z][-.0-9A-Z_a-z]*; namespace + group name ≤ 721 UTF-8 bytes.
    expect(name).toMatch(/^[0-9A-Za-z][-.0-9A-Z_a-z]{0,63}$/);
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(Buffer.byteLength(name + group.name, 'utf8')).toBeLessThanOrEqual(721);
  });

  it('prod: the alert manager sends every alert to the stage’s alarm topic, which lets it publish', async () => {
    const { resources } = await appRun('prod', TUNED);
    const topicArn = mockArn('aws:sns/topic:Topic', 'AlarmTopic');
    const workspaceArn = mockArn('aws:amp/workspace:Workspace', 'PrometheusWorkspace');

    const manager = one(resources, ALERT_MANAGER, 'PrometheusAlertManager').inputs;
    expect(manager.workspaceId).toBe('PrometheusWorkspace-id');
    const config = parse(parse(manager.definition as string).alertmanager_config as string);
    expect(config.route.receiver).toBe('alarm-topic');
    expect(config.receivers).toEqual([
      {
        name: 'alarm-topic',
        sns_configs: [expect.objectContaining({ topic_arn: topicArn, sigv4: { region: REGION }, send_resolved: true })],
      },
    ]);

    const policy = parsed<PolicyDocument>(
      one(resources, 'aws:sns/topicPolicy:TopicPolicy', 'AlarmTopicPolicy').inputs.policy,
    );
    expect(policy.Statement.find((s) => s.Sid === 'ManagedPrometheusAlertsPublish')).toEqual({
      Sid: 'ManagedPrometheusAlertsPublish',
      Effect: 'Allow',
      Principal: { Service: 'aps.amazonaws.com' },
      Action: ['sns:Publish', 'sns:GetTopicAttributes'],
      Resource: topicArn,
      Condition: { ArnEquals: { 'aws:SourceArn': workspaceArn }, StringEquals: { 'aws:SourceAccount': ACCOUNT_ID } },
    });
    const key = parsed<PolicyDocument>(one(resources, 'aws:kms/key:Key', 'StageKey').inputs.policy);
    expect(key.Statement.find((s) => s.Sid === 'ManagedPrometheusPublishesToAlarmTopic')).toMatchObject({
      Principal: { Service: 'aps.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    });
  });

  it('dev (managedPrometheus off): no workspace, no rules, no alert manager, nothing granted to AMP', async () => {
    const run = await appRun('dev');

    expect(ofType(run.resources, 'aws:amp/workspace:Workspace')).toEqual([]);
    expect(ofType(run.resources, NAMESPACE)).toEqual([]);
    expect(ofType(run.resources, ALERT_MANAGER)).toEqual([]);
    const policies = [
      one(run.resources, 'aws:sns/topicPolicy:TopicPolicy', 'AlarmTopicPolicy').inputs.policy,
      one(run.resources, 'aws:kms/key:Key', 'StageKey').inputs.policy,
    ];
    for (const policy of policies) expect(JSON.stringify(policy)).not.toContain('aps.amazonaws.com');
  });
});
