import { loadConfig } from '@lean-ops/config';
import { ConfigError, STAGE_NAME_PATTERN, snowflakeRoleName, stageNames } from '@lean-ops/core';
import type { Command } from 'commander';

interface DdlFlags {
  stage?: string;
  config?: string;
  region?: string;
  accountId?: string;
  roleArn?: string;
  warehouseBucket?: string;
  externalId?: string;
}

const HOW_TO_ADD_SECTION =
  'the config has no `snowflake` section: add one, e.g. `"snowflake": { "catalog": "rest", "database": "LEAN_OPS", "schema": "SEMANTIC", "analystRole": "ANALYST" }` (docs/snowflake.md)';

/** The flag's value, else the environment variable's; a clear error naming both when neither is set. */
function option(value: string | undefined, flag: string, env?: string): string {
  const found = value ?? (env ? process.env[env] : undefined);
  if (found === undefined || found === '') {
    throw new ConfigError('snowflake ddl options', [`${flag} is required${env ? ` (or set ${env})` : ''}`]);
  }
  return found;
}

/** `lean-ops snowflake ddl`: the stage's Snowflake DDL (docs/snowflake.md), printed. */
export function registerSnowflakeCommand(program: Command): void {
  const snowflake = program
    .command('snowflake')
    .description('Snowflake reads the semantic layer through the Glue catalog (docs/snowflake.md)');

  snowflake
    .command('ddl')
    .description(
      "print the stage's catalog integration, Iceberg tables, Scientist Views and analyst grants, in Snowflake SQL",
    )
    .option('-s, --stage <stage>', 'stage whose Glue databases the tables read (default: LEAN_OPS_STAGE)')
    .option('-c, --config <file>', 'config file (default: LEAN_OPS_CONFIG, else ./lean-ops.config.{json,yaml,yml})')
    .option('--region <region>', 'AWS region of the Glue catalog (default: AWS_REGION)')
    .option('--account-id <id>', 'AWS account id of the Glue catalog (default: AWS_ACCOUNT_ID)')
    .option(
      '--role-arn <arn>',
      "ARN of the stage's Snowflake IAM role (the stacks create it when the stage enables Snowflake)",
    )
    .option('--warehouse-bucket <bucket>', "catalog glue: the stage's warehouse bucket, for the external volume")
    .option('--external-id <id>', "catalog glue: the integration's GLUE_AWS_EXTERNAL_ID, reused by the external volume")
    .action(async (flags: DdlFlags) => {
      // Loaded on use: the package also holds the Snowflake driver, whose SDK is slow to import.
      const { formatDdl, renderSnowflakeDdl } = await import('@lean-ops/snowflake');
      const stage = option(flags.stage, '--stage', 'LEAN_OPS_STAGE');
      if (!STAGE_NAME_PATTERN.test(stage)) {
        throw new ConfigError('snowflake ddl options', [`--stage ${stage} must match ${STAGE_NAME_PATTERN}`]);
      }
      const config = loadConfig({ file: flags.config });
      if (config.snowflake === undefined) throw new ConfigError('config', [HOW_TO_ADD_SECTION]);
      const section = config.snowflake;
      const accountId = option(flags.accountId, '--account-id', 'AWS_ACCOUNT_ID');
      const statements = renderSnowflakeDdl({
        stage,
        topics: config.topics,
        section,
        region: option(flags.region, '--region', 'AWS_REGION'),
        accountId,
        roleArn: flags.roleArn ?? `arn:aws:iam::${accountId}:role/${snowflakeRoleName(stageNames(stage).prefix)}`,
        warehouseBucket:
          section.catalog === 'glue' ? option(flags.warehouseBucket, '--warehouse-bucket (catalog glue)') : undefined,
        externalId: flags.externalId,
      });
      process.stdout.write(
        formatDdl(statements, [
          `lean-ops snowflake ddl: stage ${stage}, catalog ${section.catalog}, Glue databases ${stageNames(stage).databases.semantic}${section.includeCurated ? ` and ${stageNames(stage).databases.curated}` : ''}.`,
          'Run as a role that can create integrations (ACCOUNTADMIN), then see docs/snowflake.md for the IAM trust step.',
        ]),
      );
    });
}
