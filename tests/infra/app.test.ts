import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../stacks/stage';
import { runAppUnderMocks } from './sst-harness';

// sst.config.ts evaluated as `sst deploy` would, under Pulumi mocks (see sst-harness.ts).
describe('sst.config.ts under Pulumi mocks', () => {
  it('retains and protects prod, and returns its outputs', async () => {
    const { app, outputs, resources } = await runAppUnderMocks('prod');

    expect(app).toEqual({
      name: 'lean-ops',
      removal: 'retain',
      protect: true,
      home: 'aws',
      providers: { aws: { version: '7.20.0' } },
    });
    expect(outputs).toMatchObject({ stage: 'prod', profile: 'prod', removal: 'retain', protect: true, _protect: true });
    expect(outputs).toMatchObject({
      topics: ['telemetry', 'alerts'],
      glueJobs: {
        bootstrap: 'lean-ops-prod-bootstrap',
        curation: 'lean-ops-prod-curation',
        semantic: 'lean-ops-prod-semantic',
      },
      metricsPort: 9464,
    });
    expect(resources.length).toBeGreaterThan(100);
  });

  it('needs nothing from the sst CLI but the account bootstrap (the asset repository for images)', async () => {
    const { rpcCalls } = await runAppUnderMocks('dev');

    expect(new Set(rpcCalls)).toEqual(new Set(['Provider.Aws.Bootstrap']));
  });

  it('removes dev without protection, and returns its outputs', async () => {
    const { app, outputs, resources } = await runAppUnderMocks('dev');

    expect(app).toMatchObject({ name: 'lean-ops', removal: 'remove', protect: false });
    expect(outputs).toMatchObject({ stage: 'dev', profile: 'dev', removal: 'remove', protect: false, _protect: false });
    expect(outputs).not.toHaveProperty('prometheusRemoteWrite');
    expect(resources.length).toBeGreaterThan(100);
  });

  it('gives a personal stage the dev profile', async () => {
    const { app, outputs } = await runAppUnderMocks('alice');

    expect(app).toMatchObject({ removal: 'remove', protect: false });
    expect(outputs).toMatchObject({ stage: 'alice', profile: 'dev' });
  });

  it('takes removal and protect from stageConfig for every profile', async () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      const { app } = await runAppUnderMocks(stage);
      const config = stageConfig(stage);

      expect({ removal: app.removal, protect: app.protect }, stage).toEqual({
        removal: config.removal,
        protect: config.protect,
      });
    }
  });

  it('refuses an invalid stage name before anything runs', async () => {
    await expect(runAppUnderMocks('Prod_1')).rejects.toThrow('invalid stage name "Prod_1"');
  });

  // Checks the harness, not the app: a throwaway SST component created next to run()'s
  // resources goes through SST's real transformations, so later stacks' tests can rely on it.
  it.each([
    ['prod', true],
    ['dev', undefined],
  ])('harness: SST retains a %s DynamoDB table on delete: %s', async (stage, retained) => {
    const { resources } = await runAppUnderMocks(stage, {
      probe: ({ sst }) => {
        const { Dynamo } = (sst as { aws: { Dynamo: new (name: string, args: unknown) => unknown } }).aws;
        new Dynamo('HarnessProbe', { fields: { pk: 'string' }, primaryIndex: { hashKey: 'pk' } });
      },
    });
    const table = resources.find((r) => r.type === 'aws:dynamodb/table:Table' && r.name === 'HarnessProbeTable');

    expect(table?.retainOnDelete).toBe(retained);
    expect(table?.inputs.name).toMatch(new RegExp(`^lean-ops-${stage}-HarnessProbeTable-`));
  });
});
