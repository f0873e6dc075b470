import { stageNames } from './stage-names.js';

/**
 * The parts of the config's `snowflake` section the names depend on (packages/config
 * validates it; the core may not import the config package).
 */
export interface SnowflakeNaming {
  /** Database of the Iceberg tables and views. */
  readonly database: string;
  /** Schema of the semantic tables and views. */
  readonly schema: string;
  /** Also expose the curated tables, in their own schema. */
  readonly includeCurated: boolean;
}

/** A Snowflake object of one topic: its Snowflake name and the Glue table it reads. */
export interface SnowflakeTableNames {
  /** Unquoted Snowflake identifier, fully qualified: `DATABASE.SCHEMA.TABLE`. */
  readonly table: string;
  /** Glue database (the Iceberg REST namespace) of the table. */
  readonly glueDatabase: string;
  /** Glue table name (`CATALOG_TABLE_NAME`). */
  readonly glueTable: string;
}

export interface SnowflakeObjectNames {
  /** Account-level catalog integration of the stage (Glue, REST or `CATALOG_SOURCE = GLUE`). */
  readonly catalogIntegration: string;
  /** Account-level external volume on the warehouse bucket (`catalog: glue` only). */
  readonly externalVolume: string;
  /** Name of the IAM role Snowflake assumes (stacks/: the role the stage creates when it enables Snowflake). */
  readonly awsRoleName: string;
  readonly database: string;
  /** `DATABASE.SCHEMA` of the semantic tables and Scientist Views. */
  readonly semanticSchema: string;
  /** `DATABASE.SCHEMA_CURATED` of the curated tables; `undefined` unless `includeCurated`. */
  readonly curatedSchema: string | undefined;
  /** The semantic Iceberg table of `topic`. */
  semanticTable(topic: string): SnowflakeTableNames;
  /** The curated Iceberg table of `topic` (requires `includeCurated`). */
  curatedTable(topic: string): SnowflakeTableNames;
  /** `DATABASE.SCHEMA.<TOPIC>_SCIENTIST_VIEW`: the newest row per idempotency key of the semantic table. */
  scientistView(topic: string): string;
}

/** Name of the IAM role Snowflake assumes, fixed so the DDL can name it before a deploy has output it. */
export function snowflakeRoleName(prefix: string): string {
  return `${prefix}-snowflake`;
}

/** Suffix of a curated schema's name after the configured semantic schema. */
export const SNOWFLAKE_CURATED_SCHEMA_SUFFIX = '_CURATED';
/** Suffix of a topic's Scientist View after the topic's name. */
export const SNOWFLAKE_SCIENTIST_VIEW_SUFFIX = '_SCIENTIST_VIEW';

/**
 * The Snowflake table (`DATABASE.SCHEMA.TABLE`) of a topic's semantic layer. Only the config
 * names it (the stage names the account-level objects), so the scheduler needs no stage.
 */
export function snowflakeSemanticTable(section: Pick<SnowflakeNaming, 'database' | 'schema'>, topic: string): string {
  return `${section.database.toUpperCase()}.${section.schema.toUpperCase()}.${topic.toUpperCase()}`;
}

/** The Scientist View (`DATABASE.SCHEMA.<TOPIC>_SCIENTIST_VIEW`) of a topic's semantic table; like the table, only the config names it. */
export function snowflakeScientistView(section: Pick<SnowflakeNaming, 'database' | 'schema'>, topic: string): string {
  return `${snowflakeSemanticTable(section, topic)}${SNOWFLAKE_SCIENTIST_VIEW_SUFFIX}`;
}

/**
 * Snowflake names of a stage. Account-level objects (integration, volume) carry the stage so
 * several stages can share one Snowflake account; the database and schema are the config's.
 * Identifiers are unquoted upper case: topics and stages are lower-case letters, digits, `_`
 * and (stages) `-`, which becomes `_`.
 */
export function snowflakeObjectNames(stage: string, section: SnowflakeNaming): SnowflakeObjectNames {
  const names = stageNames(stage);
  const base = names.prefix.replaceAll('-', '_').toUpperCase();
  const database = section.database.toUpperCase();
  const semanticSchema = `${database}.${section.schema.toUpperCase()}`;
  const curatedSchema = section.includeCurated
    ? `${database}.${section.schema.toUpperCase()}${SNOWFLAKE_CURATED_SCHEMA_SUFFIX}`
    : undefined;
  return {
    catalogIntegration: `${base}_GLUE_CATALOG`,
    externalVolume: `${base}_WAREHOUSE`,
    awsRoleName: snowflakeRoleName(names.prefix),
    database,
    semanticSchema,
    curatedSchema,
    semanticTable: (topic) => ({
      table: snowflakeSemanticTable(section, topic),
      glueDatabase: names.databases.semantic,
      glueTable: topic,
    }),
    curatedTable: (topic) => {
      if (curatedSchema === undefined) {
        throw new Error(`the curated table of ${topic} is not exposed: the snowflake section has includeCurated false`);
      }
      return {
        table: `${curatedSchema}.${topic.toUpperCase()}`,
        glueDatabase: names.databases.curated,
        glueTable: topic,
      };
    },
    scientistView: (topic) => snowflakeScientistView(section, topic),
  };
}
