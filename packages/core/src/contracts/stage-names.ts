/**
 * Physical names of everything the workers, jobs and operators look up by name: queues,
 * delivery streams, Glue databases and jobs, DynamoDB tables. Every name carries the stage,
 * so several stages can share one account and region. One definition for the stacks
 * (stacks/names.ts re-exports it) and the CLI (`lean-ops snowflake ddl`).
 *
 * Plain TypeScript with no imports: the SST app compiles it with its own tsconfig.
 */

export const APP_NAME = 'lean-ops';

/** AWS name length limits the names below must fit. */
const LIMITS = { sqsQueue: 80, firehoseStream: 64, glueJob: 255, glueDatabase: 255, dynamoTable: 255 };

/** Warehouse root of the Iceberg catalog in the warehouse bucket (the jobs' `spark.sql.catalog.glue_catalog.warehouse`). */
export const WAREHOUSE_PREFIX = 'warehouse';

export type GlueJobKind = 'bootstrap' | 'curation' | 'semantic' | 'maintenance';
export type LakeLayer = 'raw' | 'curated' | 'semantic';

export interface StageNames {
  /** `lean-ops-<stage>`: prefix of every stage-scoped name. */
  readonly prefix: string;
  /** LEAN_OPS_QUEUE_PREFIX: queue of topic T is `<queuePrefix>T`, its DLQ `<queuePrefix>T-dlq` (the worker's rule). */
  readonly queuePrefix: string;
  /** LEAN_OPS_FIREHOSE_STREAM_PREFIX: delivery stream of topic T is `<firehoseStreamPrefix>T`. */
  readonly firehoseStreamPrefix: string;
  readonly databases: Readonly<Record<LakeLayer, string>>;
  readonly tables: { readonly checkpoints: string; readonly schemas: string; readonly driftLog: string };
  queue(topic: string): string;
  dlq(topic: string): string;
  firehoseStream(topic: string): string;
  /** RAW Iceberg table of a topic in the RAW database (contract §3: `{raw_db}.{topic}_staging`). */
  rawTable(topic: string): string;
  glueJob(kind: GlueJobKind): string;
}

function checked(kind: keyof typeof LIMITS, name: string): string {
  if (name.length > LIMITS[kind]) {
    throw new Error(
      `${kind} name ${JSON.stringify(name)} has ${name.length} characters; AWS allows ${LIMITS[kind]}: ` +
        'use a shorter stage or topic name',
    );
  }
  return name;
}

/** The names of `stage` (already validated by `stageConfig`). */
export function stageNames(stage: string): StageNames {
  const prefix = `${APP_NAME}-${stage}`;
  const queuePrefix = `${prefix}-`;
  const firehoseStreamPrefix = `${prefix}-raw-`;
  // Glue (and Athena, Spark SQL) identifiers: lowercase, digits and underscores only.
  const dbPrefix = prefix.replaceAll('-', '_');
  const database = (layer: LakeLayer) => checked('glueDatabase', `${dbPrefix}_${layer}`);
  return {
    prefix,
    queuePrefix,
    firehoseStreamPrefix,
    databases: { raw: database('raw'), curated: database('curated'), semantic: database('semantic') },
    tables: {
      checkpoints: checked('dynamoTable', `${prefix}-checkpoints`),
      schemas: checked('dynamoTable', `${prefix}-schemas`),
      driftLog: checked('dynamoTable', `${prefix}-drift_log`),
    },
    queue: (topic) => checked('sqsQueue', `${queuePrefix}${topic}`),
    dlq: (topic) => checked('sqsQueue', `${queuePrefix}${topic}-dlq`),
    firehoseStream: (topic) => checked('firehoseStream', `${firehoseStreamPrefix}${topic}`),
    rawTable: (topic) => `${topic}_staging`,
    glueJob: (kind) => checked('glueJob', `${prefix}-${kind}`),
  };
}
