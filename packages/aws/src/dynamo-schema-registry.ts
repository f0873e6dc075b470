import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  canonicalJson,
  parseSemanticSchema,
  SchemaError,
  type SchemaRegistry,
  type SemanticSchema,
  STATE_TABLE_KEYS,
  TOPIC_ATTRIBUTE,
} from '@lean-ops/core';
import {
  checkKeyArgument,
  checkStateTableOptions,
  isConditionFailed,
  readAllItems,
  readInteger,
  requireString,
  type StateItem,
  type StateTableOptions,
} from './state-tables.js';

export interface DynamoSchemaRegistryOptions extends StateTableOptions {
  /** Clock for `registered_at`. @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** Items per Query/Scan call in `list`. @defaultValue DynamoDB's 1 MB pages */
  readonly pageSize?: number;
}

const VERSION = STATE_TABLE_KEYS.schemas.sortKey.name;

/**
 * Semantic schemas in DynamoDB, one item per (topic, version) holding the schema as
 * canonical JSON. Versions only grow one at a time: `register` accepts exactly the
 * latest + 1, and its write is conditional on the version being absent, so of two
 * concurrent registrations of one version only one is stored.
 */
export class DynamoSchemaRegistry implements SchemaRegistry {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  private readonly pageSize: number | undefined;

  constructor(options: DynamoSchemaRegistryOptions) {
    checkStateTableOptions('DynamoSchemaRegistry options', options)
      .func('now', options?.now, true)
      .integer('pageSize', options?.pageSize, 1)
      .done();
    this.client = options.client;
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.pageSize = options.pageSize;
  }

  async latest(topic: string): Promise<SemanticSchema | null> {
    checkKeyArgument('topic', topic);
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#topic = :topic',
        ExpressionAttributeNames: { '#topic': TOPIC_ATTRIBUTE },
        ExpressionAttributeValues: { ':topic': { S: topic } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item === undefined ? null : this.schemaOf(item);
  }

  /** Throws `SchemaError` for an invalid schema or a version other than latest + 1. */
  async register(schema: SemanticSchema): Promise<void> {
    const parsed = parseSemanticSchema(schema);
    const latest = (await this.latest(parsed.topic))?.version ?? 0;
    if (parsed.version !== latest + 1) {
      throw new SchemaError(
        `Schema of topic "${parsed.topic}" not registered: version ${parsed.version} must be ${latest + 1} ` +
          `(latest registered version: ${latest === 0 ? 'none' : latest})`,
      );
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [TOPIC_ATTRIBUTE]: { S: parsed.topic },
            [VERSION]: { N: String(parsed.version) },
            schema: { S: canonicalJson(parsed) },
            registered_at: { S: this.now().toISOString() },
          },
          ConditionExpression: 'attribute_not_exists(#version)',
          ExpressionAttributeNames: { '#version': VERSION },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      throw new SchemaError(
        `Schema of topic "${parsed.topic}" not registered: version ${parsed.version} was registered concurrently`,
      );
    }
  }

  /** Every version of `topic` (or of all topics), by topic then version. */
  async list(topic?: string): Promise<readonly SemanticSchema[]> {
    if (topic !== undefined) checkKeyArgument('topic', topic);
    const items = await readAllItems(this.client, this.tableName, topic, this.pageSize);
    return items
      .map((item) => this.schemaOf(item))
      .sort((a, b) => (a.topic === b.topic ? a.version - b.version : a.topic < b.topic ? -1 : 1));
  }

  /** Parses the stored JSON again, so an item written by hand cannot smuggle in a bad schema. */
  private schemaOf(item: StateItem): SemanticSchema {
    const topic = requireString(item, TOPIC_ATTRIBUTE, this.tableName);
    const version = readInteger(item, VERSION, this.tableName);
    const source = `schema of topic "${topic}" version ${version} in table ${this.tableName}`;
    let stored: unknown;
    try {
      stored = JSON.parse(requireString(item, 'schema', this.tableName));
    } catch (err) {
      if (err instanceof SyntaxError) throw new SchemaError(`Invalid ${source}: not JSON: ${err.message}`);
      throw err;
    }
    const schema = parseSemanticSchema(stored, source);
    if (schema.topic !== topic || schema.version !== version) {
      throw new SchemaError(`Invalid ${source}: it names topic "${schema.topic}" version ${schema.version}`);
    }
    return schema;
  }
}
