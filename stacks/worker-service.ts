/**
 * One lean-ops worker as an `sst.aws.Service`: the image built from docker/Dockerfile (the
 * service's target, tagged `<app>-<stage>-<service>`), the health check on the metrics
 * server's /healthz, a Cloud Map SRV record on the metrics port (Prometheus discovery), a stop
 * timeout above the shutdown budget, explicit container ports (the worker's metrics port, none
 * on the sidecar), its own task role with exactly `permissions`, and an execution role that
 * reads only the secrets the service is given. An autoscaled service keeps the task count
 * autoscaling set across deploys (`desiredCount` ignored); stages with `waitForSteadyState`
 * make `sst deploy` wait for healthy tasks.
 */
import { imageTag, retagged, withContainerPorts, withStopTimeout } from './container-definitions';
import type { DeployConfig } from './deploy-config';
import { policyDocument, type Statement, sstPermissions } from './iam';
import type { ManagedPrometheus } from './managed-prometheus';
import { HEALTH_CHECK_COMMAND, type WorkerService } from './service-environment';
import type { FargateSize, StageConfig } from './stage';

export interface WorkerServiceArgs {
  readonly service: WorkerService;
  readonly cluster: sst.aws.Cluster;
  readonly stage: StageConfig;
  readonly deploy: DeployConfig;
  readonly size: FargateSize;
  readonly scaling: { readonly min: number; readonly max: number };
  readonly environment: Record<string, $util.Input<string>>;
  /** Environment variable → Secrets Manager secret ARN, injected by ECS at start. */
  readonly secrets?: Record<string, $util.Input<string>>;
  /** What ECS itself needs to start the task beyond pulling the image and writing logs (secrets). */
  readonly executionStatements?: Statement[];
  readonly permissions: Statement[];
  readonly prometheus?: ManagedPrometheus;
  /** Never two tasks at once, not even during a deploy (the scheduler). */
  readonly singleton?: boolean;
}

export function createWorkerService(name: string, args: WorkerServiceArgs): sst.aws.Service {
  const { stage, deploy } = args;
  const metricsPort = deploy.config.metricsPort;
  const sidecar = args.prometheus?.sidecar(`lean-ops-${args.service}`, metricsPort);
  const permissions = args.prometheus ? [...args.permissions, args.prometheus.remoteWrite] : args.permissions;
  const executionStatements = args.executionStatements ?? [];
  // SST tags the image and its build cache by container name in the account-wide asset
  // repository; the transform below renames them per app and stage (cache: per app).
  const container = args.service;
  const tag = imageTag($app.name, $app.stage, container);
  const cacheTag = `${$app.name}-${container}-cache`;
  const autoscaled = args.scaling.max > args.scaling.min;
  const renameCache = <C extends { registry?: { ref: string } }>(cache: C): C =>
    cache.registry
      ? { ...cache, registry: { ...cache.registry, ref: retagged(cache.registry.ref, `${container}-cache`, cacheTag) } }
      : cache;
  return new sst.aws.Service(name, {
    cluster: args.cluster,
    cpu: args.size.cpu,
    memory: args.size.memory,
    containers: [
      {
        name: container,
        image: {
          context: '.',
          dockerfile: 'docker/Dockerfile',
          target: args.service,
          args: { LEAN_OPS_CONFIG_FILE: deploy.file },
        },
        environment: args.environment,
        ssm: args.secrets,
        // tsx compiles the sources at start; give it time before failures count.
        health: {
          command: [...HEALTH_CHECK_COMMAND],
          startPeriod: '60 seconds',
          interval: '30 seconds',
          timeout: '5 seconds',
          retries: 3,
        },
      },
      ...(sidecar ? [sidecar] : []),
    ],
    // Scaling beyond CPU and memory (ingest's backlog per task) is added by its own policy.
    scaling: { min: args.scaling.min, max: args.scaling.max, cpuUtilization: false, memoryUtilization: false },
    serviceRegistry: { port: metricsPort },
    wait: stage.waitForSteadyState,
    permissions: sstPermissions(permissions),
    transform: {
      image: (image) => {
        image.tags = $output(image.tags).apply((refs) => (refs ?? []).map((ref) => retagged(ref, container, tag)));
        image.cacheFrom = $output(image.cacheFrom).apply((caches) => (caches ?? []).map(renameCache));
        image.cacheTo = $output(image.cacheTo).apply((caches) => (caches ?? []).map(renameCache));
        return undefined;
      },
      taskDefinition: (definition) => {
        definition.containerDefinitions = $output(definition.containerDefinitions).apply((json) =>
          withContainerPorts(withStopTimeout(json, container, deploy.stopTimeoutSeconds), {
            [container]: [metricsPort],
          }),
        );
        return undefined;
      },
      // Replaces SST's default inline policy (SSM and Secrets Manager reads on every resource).
      executionRole: (role) => {
        role.inlinePolicies =
          executionStatements.length > 0 ? [{ name: 'secrets', policy: policyDocument(executionStatements) }] : [];
        return undefined;
      },
      logGroup: (group) => {
        group.retentionInDays = stage.logRetentionDays;
        return undefined;
      },
      service: (service, opts) => {
        // Autoscaling owns the task count: a deploy must not reset it to SST's scaling.min.
        if (autoscaled) opts.ignoreChanges = [...(opts.ignoreChanges ?? []), 'desiredCount'];
        if (args.singleton) {
          service.deploymentMaximumPercent = 100;
          service.deploymentMinimumHealthyPercent = 0;
        }
        return undefined;
      },
    },
  });
}
