/// <reference path="./.sst/platform/config.d.ts" />

// Thin on purpose (sst/monorepo-template): `app()` names the app and its providers, `run()`
// wires one file per concern under stacks/ and returns the outputs. Per-stage sizes live in
// stacks/stage.ts; topics, metrics port and alarm thresholds in the app config file
// (stacks/deploy-config.ts). SST forbids top-level imports here, so both functions import
// dynamically.

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
    const { checkSnowflakeAgainstConfig, stageConfig } = await import('./stacks/stage');
    const { stageNames } = await import('./stacks/names');
    const { checkStageAgainstConfig, loadDeployConfig } = await import('./stacks/deploy-config');
    const { glueArtifacts } = await import('./stacks/glue-artifacts');
    const { currentAccount, deployTargetLookups } = await import('./stacks/account');
    const { assertDeployTarget } = await import('./stacks/deploy-target');
    const { createStageKey } = await import('./stacks/kms');
    const { createNetwork } = await import('./stacks/network');
    const { createBuckets } = await import('./stacks/buckets');
    const { createTopicQueues } = await import('./stacks/queues');
    const { createCatalog } = await import('./stacks/catalog');
    const { createDeliveryStreams } = await import('./stacks/firehose');
    const { createGlueJobs } = await import('./stacks/glue-jobs');
    const { createStateTables } = await import('./stacks/state-tables');
    const { createRedis } = await import('./stacks/redis');
    const { createManagedPrometheus } = await import('./stacks/managed-prometheus');
    const { createServices } = await import('./stacks/services');
    const { createIngestAutoscaling } = await import('./stacks/ingest-autoscaling');
    const { createAlarms } = await import('./stacks/alarms');
    const { createTableHealthAlarms } = await import('./stacks/table-health-alarms');
    const { createOperatorAlarms } = await import('./stacks/operator-alarms');
    const { createProducerPolicies } = await import('./stacks/producer-policy');
    const { createSnowflakeAccess, createSnowflakeRefreshAlarm } = await import('./stacks/snowflake');

    const stage = stageConfig($app.stage);
    // Wrong account or region, or a deployer Lake Formation would refuse: stop before any resource exists.
    await assertDeployTarget(stage, deployTargetLookups());
    const names = stageNames(stage.stage);
    // Both read before any resource exists, so a missing file fails the deploy up front.
    const deploy = loadDeployConfig($cli.paths.root, process.env);
    checkStageAgainstConfig(stage, deploy);
    checkSnowflakeAgainstConfig(stage, deploy.config.snowflake, deploy.file);
    const artifacts = glueArtifacts($cli.paths.root, process.env);
    const { topics } = deploy;
    const account = currentAccount();

    const key = createStageKey(stage, account, names.prefix);
    const network = createNetwork(stage, account, deploy.config.metricsPort);
    const buckets = createBuckets(stage, key.arn);
    const queues = createTopicQueues(stage, names, topics, key.arn);
    const catalog = createCatalog(stage, names, account, buckets.warehouse.bucket);
    const lake = { stage, names, account, topics, buckets, catalog, keyArn: key.arn };
    const streams = createDeliveryStreams(lake);
    const glue = createGlueJobs({ ...lake, artifacts });
    // Only when the stage enables it (stacks/stage.ts SNOWFLAKE_STAGES).
    const snowflakeRole = createSnowflakeAccess(lake);
    const tables = createStateTables(stage, names, key.arn);
    const { redis, urlSecret } = createRedis({
      stage,
      prefix: names.prefix,
      subnets: network.vpc.privateSubnets,
      securityGroupId: network.redisSecurityGroup.id,
      keyArn: key.arn,
    });
    const prometheus = stage.managedPrometheus
      ? createManagedPrometheus(names.prefix, stage.stage, account, deploy.config.thresholds)
      : undefined;
    const services = createServices({
      stage,
      names,
      account,
      deploy,
      network,
      queues,
      streams,
      buckets,
      catalog,
      tables,
      glue,
      redisUrlSecretArn: urlSecret.arn,
      keyArn: key.arn,
      prometheus,
    });
    createIngestAutoscaling({
      stage,
      service: services.ingest,
      clusterName: services.cluster.nodes.cluster.name,
    });
    const alarms = createAlarms({
      stage,
      prefix: names.prefix,
      queues,
      thresholds: deploy.config.thresholds,
      keyArn: key.arn,
      account,
      prometheusWorkspaceArn: prometheus?.workspace.arn,
    });
    prometheus?.routeAlerts(alarms.topic.arn);
    createSnowflakeRefreshAlarm({
      stage,
      prefix: names.prefix,
      connected: deploy.config.snowflake?.connection !== undefined,
      alarmTopicArn: alarms.topic.arn,
    });
    createTableHealthAlarms({
      stage,
      prefix: names.prefix,
      thresholds: deploy.config.thresholds,
      alarmTopicArn: alarms.topic.arn,
    });
    createOperatorAlarms({
      stage,
      prefix: names.prefix,
      topicArn: alarms.topic.arn,
      clusterName: services.cluster.nodes.cluster.name,
      services: [
        { id: 'ingest', serviceName: services.ingest.nodes.service.name },
        { id: 'dlq-processor', serviceName: services.dlqProcessor.nodes.service.name },
        { id: 'scheduler', serviceName: services.scheduler.nodes.service.name },
      ],
      streams: topics.map((topic) => ({ topic, name: names.firehoseStream(topic) })),
      queues,
      glueJobNames: Object.values(glue.jobs).map((job) => job.name),
      redisReplicationGroupId: redis.nodes.cluster.id,
    });
    const producerPolicies = createProducerPolicies({
      prefix: names.prefix,
      queues,
      queueName: names.queue,
      keyArn: key.arn,
    });

    return {
      stage: stage.stage,
      profile: stage.profile,
      removal: stage.removal,
      protect: stage.protect,
      topics: [...topics],
      queues: Object.fromEntries(queues.map(({ topic, queue }) => [topic, queue.url])),
      glueJobs: {
        bootstrap: glue.jobs.bootstrap.name,
        curation: glue.jobs.curation.name,
        semantic: glue.jobs.semantic.name,
      },
      // Cloud Map names a Prometheus in the VPC scrapes (SRV records carry the metrics port).
      metricsTargets: {
        ingest: services.ingest.service,
        dlqProcessor: services.dlqProcessor.service,
        scheduler: services.scheduler.service,
      },
      metricsPort: deploy.config.metricsPort,
      alarmTopic: alarms.topic.arn,
      ecsCluster: services.cluster.nodes.cluster.name,
      vpcId: network.vpc.id,
      kmsKey: { arn: key.arn, alias: `alias/${names.prefix}` },
      buckets: {
        warehouse: buckets.warehouse.bucket,
        artifacts: buckets.artifacts.bucket,
        quarantine: buckets.quarantine.bucket,
        firehoseErrors: buckets.firehoseErrors.bucket,
      },
      glueDatabases: names.databases,
      // Created by the bootstrap job (docs/deploy.md), named here so operators can query them.
      glueTables: Object.fromEntries(
        topics.map((topic) => [
          topic,
          {
            raw: `${names.databases.raw}.${names.rawTable(topic)}`,
            curated: `${names.databases.curated}.${topic}`,
            curatedRejects: `${names.databases.curated}.${topic}_rejects`,
            semantic: `${names.databases.semantic}.${topic}`,
            semanticRejects: `${names.databases.semantic}.${topic}_semantic_rejects`,
          },
        ]),
      ),
      deliveryStreams: Object.fromEntries(topics.map((topic) => [topic, names.firehoseStream(topic)])),
      producerPolicyArns: producerPolicies.map((policy) => policy.arn),
      redisHost: redis.host,
      ...(prometheus
        ? { prometheusRemoteWrite: $interpolate`${prometheus.workspace.prometheusEndpoint}api/v1/remote_write` }
        : {}),
      // The role the Snowflake catalog integration / external volume names (docs/deploy.md, "Snowflake").
      ...(snowflakeRole ? { snowflakeRoleArn: snowflakeRole.arn } : {}),
    };
  },
});
