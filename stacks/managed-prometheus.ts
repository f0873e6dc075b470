/**
 * Optional (stage flag `managedPrometheus`): an Amazon Managed Prometheus workspace, the
 * lean-ops alerting and recording rules in it (one rule groups namespace, rendered from the
 * config's thresholds like the CloudWatch alarms, docs/observability.md), and an ADOT collector
 * sidecar in every task that scrapes the worker's /metrics on localhost and remote-writes to
 * the workspace (SigV4, the task role). Without the flag, a Prometheus in the VPC scrapes the
 * services through their Cloud Map names and loads the same rule file (docs/deploy.md).
 */
import type { Thresholds } from '@lean-ops/config';
import { renderRules } from '@lean-ops/observability/rules';
import type { Account } from './account';
import type { Statement } from './iam';

/** ADOT collector release (aws-observability/aws-otel-collector VERSION); bump deliberately. */
export const ADOT_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1';

/**
 * The rule groups namespace of the workspace (one per stage's workspace). AMP: 1–64 characters
 * `[0-9A-Za-z][-.0-9A-Z_a-z]*`, and namespace plus group name at most 721 UTF-8 bytes.
 */
export const RULES_NAMESPACE = 'lean-ops';

/** How often the sidecar scrapes the worker. */
const SCRAPE_INTERVAL = '30s';

export interface ManagedPrometheus {
  readonly workspace: aws.amp.Workspace;
  /** The alerting and recording rules, evaluated by the workspace's ruler. */
  readonly rules: aws.amp.RuleGroupNamespace;
  /** The sidecar container of a service whose metrics carry `job="<job>"`. */
  sidecar(
    job: string,
    metricsPort: number,
  ): {
    name: string;
    image: string;
    environment: Record<string, $util.Input<string>>;
  };
  /** What the sidecar needs in the task role. */
  readonly remoteWrite: Statement;
  /**
   * The workspace's alert manager: every firing (and resolved) alert of the rules goes to the
   * stage's alarm topic, where the CloudWatch alarms' notifications go too.
   */
  routeAlerts(topicArn: $util.Input<string>): aws.amp.AlertManagerDefinition;
}

/**
 * Alerts of one name, stage and topic are one notification; a firing one is repeated every
 * 4 h (AMP caps `repeat_interval` at 5 days). The subject stays well under SNS's 100
 * characters: the longest alert name is 30.
 */
export function alertManagerDefinition(topicArn: string, region: string): string {
  return [
    'alertmanager_config: |',
    '  route:',
    '    receiver: alarm-topic',
    '    group_by: [alertname, stage, topic, layer]',
    '    group_wait: 30s',
    '    group_interval: 5m',
    '    repeat_interval: 4h',
    '  receivers:',
    '    - name: alarm-topic',
    '      sns_configs:',
    `        - topic_arn: ${topicArn}`,
    '          sigv4:',
    `            region: ${region}`,
    `          subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})'`,
    '          send_resolved: true',
    '',
  ].join('\n');
}

/** The collector configuration: Prometheus receiver on localhost → remote write to AMP. */
function collectorConfig(job: string, stage: string, metricsPort: number, region: string, endpoint: string): string {
  return [
    'extensions:',
    '  sigv4auth:',
    `    region: ${region}`,
    '    service: aps',
    'receivers:',
    '  prometheus:',
    '    config:',
    '      scrape_configs:',
    `        - job_name: ${job}`,
    `          scrape_interval: ${SCRAPE_INTERVAL}`,
    '          static_configs:',
    `            - targets: ['127.0.0.1:${metricsPort}']`,
    // The dashboards' `stage` variable and the alerts' labels tell stages apart by it.
    '              labels:',
    `                stage: ${stage}`,
    'exporters:',
    '  prometheusremotewrite:',
    `    endpoint: ${endpoint}api/v1/remote_write`,
    '    auth:',
    '      authenticator: sigv4auth',
    'service:',
    '  extensions: [sigv4auth]',
    '  pipelines:',
    '    metrics:',
    '      receivers: [prometheus]',
    '      exporters: [prometheusremotewrite]',
    '',
  ].join('\n');
}

export function createManagedPrometheus(
  prefix: string,
  stage: string,
  account: Account,
  thresholds: Thresholds,
): ManagedPrometheus {
  const workspace = new aws.amp.Workspace('PrometheusWorkspace', { alias: prefix });
  const rules = new aws.amp.RuleGroupNamespace('PrometheusRules', {
    name: RULES_NAMESPACE,
    workspaceId: workspace.id,
    data: renderRules(thresholds),
  });
  return {
    workspace,
    rules,
    sidecar: (job, metricsPort) => ({
      name: 'adot-collector',
      image: ADOT_IMAGE,
      environment: {
        AOT_CONFIG_CONTENT: $resolve([account.region, workspace.prometheusEndpoint]).apply(([region, endpoint]) =>
          collectorConfig(job, stage, metricsPort, region, endpoint),
        ),
      },
    }),
    remoteWrite: { sid: 'RemoteWriteMetrics', actions: ['aps:RemoteWrite'], resources: [workspace.arn] },
    routeAlerts: (topicArn) =>
      new aws.amp.AlertManagerDefinition('PrometheusAlertManager', {
        workspaceId: workspace.id,
        definition: $resolve([topicArn, account.region]).apply(([arn, region]) => alertManagerDefinition(arn, region)),
      }),
  };
}
