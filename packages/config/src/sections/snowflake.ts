import { z } from 'zod';

/** Snowflake identifiers this project creates or names: unquoted, so upper-case-insensitive. */
const identifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/,
    'must be an unquoted Snowflake identifier (letter or _, then letters, digits, _ or $)',
  );

/**
 * Snowflake reads the semantic layer (docs/snowflake.md): what `lean-ops snowflake ddl`
 * generates and where the scheduler forces a refresh after a schema change. Absent: no
 * Snowflake (the DDL command needs it; the scheduler skips the refresh step).
 */
export const snowflakeSectionSchema = z.strictObject({
  /**
   * How Snowflake reaches the Glue catalog: `rest` (Glue's Iceberg REST endpoint, SigV4,
   * vended credentials; Snowflake's recommendation) or `glue` (CATALOG_SOURCE = GLUE with an
   * external volume on the warehouse bucket). @defaultValue "rest"
   */
  catalog: z.enum(['rest', 'glue']).default('rest'),
  /** Database of the Iceberg tables and views. @defaultValue "LEAN_OPS" */
  database: identifier.default('LEAN_OPS'),
  /** Schema of the Iceberg tables and views. @defaultValue "SEMANTIC" */
  schema: identifier.default('SEMANTIC'),
  /** Role the analysts get read access through. @defaultValue "ANALYST" */
  analystRole: identifier.default('ANALYST'),
  /** Also expose the curated tables (read-only, their own schema `<schema>_CURATED`). @defaultValue false */
  includeCurated: z.boolean().default(false),
  /**
   * The connection the scheduler refreshes through (key-pair auth). Absent: the DDL can still
   * be generated, the scheduler does not refresh (auto-refresh alone picks up new snapshots).
   */
  connection: z
    .strictObject({
      /** Account identifier, `<org>-<account>`. */
      account: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be an account identifier such as myorg-myaccount'),
      user: identifier,
      /** Role the refresh runs as (needs OWNERSHIP or the refresh privilege on the tables). */
      role: identifier,
      warehouse: identifier,
      /** Secrets Manager secret (name or ARN) holding the PEM private key of `user`. */
      privateKeySecret: z.string().min(1),
    })
    .optional(),
});

export type SnowflakeSection = z.output<typeof snowflakeSectionSchema>;
export type SnowflakeConnection = NonNullable<SnowflakeSection['connection']>;
