/// <reference path="./.sst/platform/config.d.ts" />

// Thin on purpose (sst/monorepo-template): `app()` names the app and its providers, `run()`
// imports one file per concern and returns the outputs. Per-stage sizes live in stacks/stage.ts.
// SST forbids top-level imports here, so both functions import dynamically.

export default $config({
  async app(input) {
    const { stageConfig } = await import('./stacks/stage');
    // Throws on a bad stage name before anything is deployed.
    const stage = stageConfig(input.stage);
    return {
      name: 'lean-ops',
      removal: stage.removal,
      protect: stage.protect,
      home: 'aws',
      providers: {
        // The @pulumi/aws version SST 4.17.1's platform is built and tested with
        // (.sst/platform/package.json); bump it together with `sst`.
        aws: { version: '7.20.0' },
      },
    };
  },
  async run() {
    const { stageConfig } = await import('./stacks/stage');
    const stage = stageConfig($app.stage);
    // No resources yet: the queues, ingest service, Firehose streams, Glue jobs and alarms
    // arrive with their own stacks (one file per concern under stacks/), each reading `stage`.
    return {
      stage: stage.stage,
      profile: stage.profile,
      removal: stage.removal,
      protect: stage.protect,
    };
  },
});
