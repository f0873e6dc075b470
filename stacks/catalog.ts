/**
 * The Glue Data Catalog databases of the three lake layers. Each database's location is its
 * folder in the warehouse bucket (`warehouse/<db>.db/`, Iceberg's own layout), so S3
 * permissions can be scoped per layer. Deleting a database deletes its tables' catalog
 * entries, so prod retains them with the data.
 */
import type { Account } from './account';
import type { Buckets } from './buckets';
import { type LakeLayer, type StageNames, WAREHOUSE_PREFIX } from './names';
import type { StageConfig } from './stage';

export { WAREHOUSE_PREFIX };

/** Key prefix of a database's tables in the warehouse bucket. */
export function databasePath(database: string): string {
  return `${WAREHOUSE_PREFIX}/${database}.db`;
}

export interface Catalog {
  readonly databases: Readonly<Record<LakeLayer, aws.glue.CatalogDatabase>>;
  readonly catalogArn: $util.Output<string>;
  databaseArn(database: string): $util.Output<string>;
  /** ARN of `table` (or every table, `*`) in `database`. */
  tableArn(database: string, table: string): $util.Output<string>;
}

export function createCatalog(
  stage: StageConfig,
  names: StageNames,
  account: Account,
  warehouseBucket: $util.Input<string>,
): Catalog {
  const retainOnDelete = stage.removal === 'retain';
  const database = (layer: LakeLayer) => {
    const name = names.databases[layer];
    return new aws.glue.CatalogDatabase(
      `${layer}Database`,
      {
        name,
        description: `lean-ops ${stage.stage}: ${layer} layer (Iceberg)`,
        locationUri: $interpolate`s3://${warehouseBucket}/${databasePath(name)}`,
      },
      { retainOnDelete },
    );
  };
  return {
    databases: { raw: database('raw'), curated: database('curated'), semantic: database('semantic') },
    catalogArn: account.arn('glue', 'catalog'),
    databaseArn: (db) => account.arn('glue', `database/${db}`),
    tableArn: (db, table) => account.arn('glue', `table/${db}/${table}`),
  };
}

/** What the stacks that read or write the lake (delivery streams, Glue jobs) are built from. */
export interface LakeContext {
  readonly stage: StageConfig;
  readonly names: StageNames;
  readonly account: Account;
  readonly topics: readonly string[];
  readonly buckets: Buckets;
  readonly catalog: Catalog;
  readonly keyArn: $util.Input<string>;
}
