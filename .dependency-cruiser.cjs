/** Architecture rules, checked by `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports make start-up order and testing fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-has-no-infrastructure',
      severity: 'error',
      comment:
        'packages/core is the contract and its ports: no AWS SDK, no Redis or BullMQ, no DuckDB, no SQS consumer. Adapters live in other packages.',
      from: { path: '^packages/core/src' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        path: 'node_modules/(@aws-sdk|@smithy|aws-sdk|ioredis|redis|bullmq|@duckdb|duckdb|sqs-consumer|pino|prom-client)',
      },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment: 'The core depends on no other lean-ops package.',
      from: { path: '^packages/core/src' },
      to: { path: '^(packages/(?!core/)|workers/)' },
    },
    {
      name: 'no-deep-imports-between-packages',
      severity: 'error',
      comment:
        'Use a package through its index (the @lean-ops/<name> import) or a subpath its package.json exports (listed here: @lean-ops/observability/rules), never its files.',
      from: { path: '^(packages|workers|apps)/([^/]+)/' },
      to: {
        path: '^(?!packages/observability/src/rules/index\\.ts$)(packages|workers)/([^/]+)/src/(?!index\\.[jt]s$)',
        pathNot: '^$1/$2/',
      },
    },
    {
      name: 'packages-import-no-service-or-app',
      severity: 'error',
      comment:
        'Layers, bottom up: packages/ (contract, ports, adapters), workers/ (the services), apps/ (composition roots). A package never imports a service or an app: what a service and a package both need lives in a package.',
      from: { path: '^packages/' },
      to: { path: '^(workers|apps)/' },
    },
    {
      name: 'services-import-no-app',
      severity: 'error',
      comment:
        "A service (workers/<name>) never imports a composition root (apps/): the roots compose the services, through the services' composition functions.",
      from: { path: '^workers/' },
      to: { path: '^apps/' },
    },
    {
      name: 'stacks-import-only-contracts',
      severity: 'error',
      comment:
        'The infrastructure (stacks/) shares only contracts with the runtime: the config schema (@lean-ops/config), the contracts of @lean-ops/core (state-table keys, CloudWatch names, environment variable names) and the alert rules generated from the config (@lean-ops/observability).',
      from: { path: '^stacks/' },
      to: { path: '^(packages/(?!(core|config|observability)/)|workers/|apps/)' },
    },
    {
      name: 'no-service-imports-another-service',
      severity: 'error',
      comment:
        'A service (workers/<name>) never imports another, tests included: what two services share lives in a package (e.g. @lean-ops/queue-worker); tests of services together live in tests/.',
      from: { path: '^workers/([^/]+)/' },
      to: { path: '^workers/([^/]+)/', pathNot: '^workers/$1/' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '/src/' },
      to: { path: '/tests/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.sst)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
