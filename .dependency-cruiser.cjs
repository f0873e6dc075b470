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
      comment: 'Use a package through its index (the @lean-ops/<name> import), never its files.',
      from: { path: '^(packages|workers)/([^/]+)/' },
      to: { path: '^packages/([^/]+)/src/(?!index\\.ts$)', pathNot: '^packages/$2/' },
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
