import { describe, expect, it } from 'vitest';
import { imageTag, retagged, withContainerPorts } from '../../stacks/container-definitions';
import { stageConfig } from '../../stacks/stage';
import { containersOf, ofType, one } from './recorded';
import { ACCOUNT_ID, appRun, REGION } from './sst-harness';

const ECS_SERVICE = 'aws:ecs/service:Service';
const SERVICES = { Ingest: 'ingest', DlqProcessor: 'dlq', Scheduler: 'scheduler' } as const;
const ASSET_REPOSITORY = `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/sst-asset`;

describe('deploys keep what autoscaling decided', () => {
  it('ignores desiredCount on the autoscaled ingest service, not on the fixed-size ones', async () => {
    const { resources } = await appRun('prod');

    expect(one(resources, ECS_SERVICE, 'IngestService').ignoreChanges).toContain('desiredCount');
    for (const name of ['DlqProcessorService', 'SchedulerService']) {
      expect(one(resources, ECS_SERVICE, name).ignoreChanges ?? [], name).not.toContain('desiredCount');
    }
  });
});

describe('sst deploy waits for healthy tasks', () => {
  it.each([
    ['prod', true],
    ['staging', true],
    ['dev', false],
  ] as const)('%s: waitForSteadyState %s on every service', async (stage, wait) => {
    const services = ofType((await appRun(stage)).resources, ECS_SERVICE);

    expect(stageConfig(stage).waitForSteadyState).toBe(wait);
    expect(services).toHaveLength(3);
    for (const service of services) expect(service.inputs.waitForSteadyState, service.name).toBe(wait);
  });
});

describe('task definitions valid by construction', () => {
  it.each(['prod', 'staging'])(
    '%s: the worker maps only its metrics port, the ADOT sidecar none (SST would map 1-65535 on both)',
    async (stage) => {
      const run = await appRun(stage);

      for (const name of Object.keys(SERVICES)) {
        const [worker, sidecar] = containersOf(run, name) as unknown as {
          name: string;
          portMappings: unknown[];
        }[];

        expect(worker?.portMappings, name).toEqual([{ containerPort: 9464, protocol: 'tcp' }]);
        expect(sidecar?.name, name).toBe('adot-collector');
        expect(sidecar?.portMappings, name).toEqual([]);
      }
    },
  );

  it('runs the managed Prometheus sidecar in staging too, so prod is never its first deploy', async () => {
    const { resources } = await appRun('staging');

    expect(stageConfig('staging').managedPrometheus).toBe(true);
    expect(ofType(resources, 'aws:amp/workspace:Workspace')).toHaveLength(1);
  });

  it('refuses to give two containers one port', () => {
    const json = JSON.stringify([{ name: 'a' }, { name: 'b' }]);

    expect(JSON.parse(withContainerPorts(json, { a: [9464] }))).toEqual([
      { name: 'a', portMappings: [{ containerPort: 9464, protocol: 'tcp' }] },
      { name: 'b', portMappings: [] },
    ]);
    expect(() => withContainerPorts(json, { a: [9464], b: [9464] })).toThrow(
      'containers a and b both map port 9464: ECS refuses the task definition',
    );
    expect(() => withContainerPorts(json, { a: [0] })).toThrow(/port 0 is not an integer in 1..65535/);
  });
});

describe('image tags per app and stage', () => {
  it.each(Object.entries(SERVICES))(
    'tags %s’s image lean-ops-<stage>-<service>, never by container name alone',
    async (name, service) => {
      for (const stage of ['prod', 'dev']) {
        const image = one((await appRun(stage)).resources, 'docker-build:index:Image', `${name}Image${service}`)
          .inputs as {
          tags: string[];
          cacheFrom: { registry: { ref: string } }[];
          cacheTo: { registry: { ref: string } }[];
        };

        expect(image.tags).toEqual([`${ASSET_REPOSITORY}:lean-ops-${stage}-${service}`]);
        expect(image.cacheFrom.map((c) => c.registry.ref)).toEqual([`${ASSET_REPOSITORY}:lean-ops-${service}-cache`]);
        expect(image.cacheTo.map((c) => c.registry.ref)).toEqual([`${ASSET_REPOSITORY}:lean-ops-${service}-cache`]);
      }
    },
  );

  it('builds valid Docker tags and renames only the tag it is asked to', () => {
    expect(imageTag('lean-ops', 'pr-123', 'scheduler')).toBe('lean-ops-pr-123-scheduler');
    expect(() => imageTag('lean-ops', 'x'.repeat(130), 'ingest')).toThrow(/not a valid Docker tag/);
    expect(retagged('repo/sst-asset:ingest', 'ingest', 'lean-ops-dev-ingest')).toBe(
      'repo/sst-asset:lean-ops-dev-ingest',
    );
    expect(retagged('repo/sst-asset:v1', 'ingest', 'lean-ops-dev-ingest')).toBe('repo/sst-asset:v1');
  });
});

describe('Glue 5.x logging', () => {
  it.each([
    ['prod', 90],
    ['dev', 7],
  ] as const)(
    '%s: no Glue ≤ 4 logging flag; the stage’s own log groups with %i days retention',
    async (stage, days) => {
      const { resources } = await appRun(stage);
      const prefix = `/aws-glue/lean-ops-${stage}`;

      for (const job of ofType(resources, 'aws:glue/job:Job')) {
        const args = job.inputs.defaultArguments as Record<string, string>;
        expect(args, job.name).not.toHaveProperty('--enable-continuous-cloudwatch-log');
        expect(args['--custom-logGroup-prefix'], job.name).toBe(prefix);
      }
      const groups = ofType(resources, 'aws:cloudwatch/logGroup:LogGroup').filter((g) =>
        String(g.inputs.name).startsWith('/aws-glue/'),
      );
      expect(groups.map((g) => [g.inputs.name, g.inputs.retentionInDays])).toEqual([
        [`${prefix}/error`, days],
        [`${prefix}/output`, days],
      ]);
    },
  );
});
