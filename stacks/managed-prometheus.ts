/**
 * Optional (stage flag `managedPrometheus`): an Amazon Managed Prometheus workspace and an
 * ADOT collector sidecar in every task that scrapes the worker's /metrics on localhost and
 * remote-writes to the workspace (SigV4, the task role). Without the flag, a Prometheus in
 * the VPC scrapes the services through their Cloud Map names (docs/deploy.md).
 */
import type { Account } from './account';
import type { Statement } from './iam';

/** ADOT collector release (aws-observability/aws-otel-collector VERSION); bump deliberately. */
export const ADOT_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1';

/** How often the sidecar scrapes the worker. */
const SCRAPE_INTERVAL = '30s';

export interface ManagedPrometheus {
  readonly workspace: aws.amp.Workspace;
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
}

/** The collector configuration: Prometheus receiver on localhost → remote write to AMP. */
function collectorConfig(job: string, metricsPort: number, region: string, endpoint: string): string {
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

export function createManagedPrometheus(prefix: string, account: Account): ManagedPrometheus {
  const workspace = new aws.amp.Workspace('PrometheusWorkspace', { alias: prefix });
  return {
    workspace,
    sidecar: (job, metricsPort) => ({
      name: 'adot-collector',
      image: ADOT_IMAGE,
      environment: {
        AOT_CONFIG_CONTENT: $resolve([account.region, workspace.prometheusEndpoint]).apply(([region, endpoint]) =>
          collectorConfig(job, metricsPort, region, endpoint),
        ),
      },
    }),
    remoteWrite: { sid: 'RemoteWriteMetrics', actions: ['aps:RemoteWrite'], resources: [workspace.arn] },
  };
}
