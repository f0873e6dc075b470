import {
  type AttributeValue,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  paginateQuery,
  paginateScan,
  type ScalarAttributeType,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  ConfigError,
  LeanOpsError,
  STATE_TABLE_KEYS,
  type StateTable,
  type StateTableKey,
  TOPIC_ATTRIBUTE,
} from '@lean-ops/core';
import { errorCode } from './aws-errors.js';
import { OptionChecks } from './option-checks.js';

export type { StateTable } from '@lean-ops/core';

export type StateTableNames = Readonly<Record<StateTable, string>>;

/** What every state adapter takes: its client and its table. */
export interface StateTableOptions {
  readonly client: DynamoDBClient;
  /** The adapter's table, with the keys of its `STATE_TABLE_KEYS` entry. */
  readonly tableName: string;
}

/** Starts a state adapter's option checks with those of `StateTableOptions`. */
export function checkStateTableOptions(source: string, options: StateTableOptions): OptionChecks {
  return new OptionChecks(source).client('client', options?.client).nonEmptyString('tableName', options?.tableName);
}

/** Longest wait for a created table to become ACTIVE. */
const ACTIVE_WAIT_SECONDS = 60;

/**
 * Creates whichever state tables do not exist (on-demand capacity) and waits until each
 * is ACTIVE; for local mode and tests, where no infrastructure code runs. Tables that
 * exist with other keys are one `ConfigError` naming each, raised before anything is
 * created: the adapters would fail on them. Resolves to the names of the tables created.
 */
export async function ensureStateTables(client: DynamoDBClient, names: StateTableNames): Promise<readonly string[]> {
  const tables = Object.keys(STATE_TABLE_KEYS) as StateTable[];
  const checks = new OptionChecks('ensureStateTables arguments').client('client', client);
  for (const table of tables) checks.nonEmptyString(`names.${table}`, names?.[table]);
  checks.rule(
    new Set(tables.map((t) => names?.[t])).size === tables.length,
    'names: expected a different name per table',
  );
  checks.done();

  const plans = await Promise.all(
    tables.map(async (table) => {
      const wanted = keySchema(STATE_TABLE_KEYS[table]);
      return { name: names[table], wanted, existing: await describeKeys(client, names[table]) };
    }),
  );
  const mismatches = plans.flatMap(({ name, wanted, existing }) =>
    existing === undefined || JSON.stringify(existing) === JSON.stringify(wanted)
      ? []
      : [`${name}: exists with key ${describeKey(existing)}, expected ${describeKey(wanted)}`],
  );
  if (mismatches.length > 0) throw new ConfigError('state tables', mismatches);

  // Existing tables are waited for too: another process may have just created them.
  // allSettled: never return (or throw) while a CreateTable is still on its way.
  const outcomes = await Promise.allSettled(
    plans.map(async ({ name, wanted, existing }) => {
      if (existing === undefined) await createTable(client, name, wanted);
      await waitUntilTableExists({ client, maxWaitTime: ACTIVE_WAIT_SECONDS, minDelay: 1 }, { TableName: name });
    }),
  );
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return plans.filter((plan) => plan.existing === undefined).map(({ name }) => name);
}

async function createTable(client: DynamoDBClient, name: string, key: readonly KeyPart[]): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: key.map((part) => ({ AttributeName: part.name, KeyType: part.keyType })),
        AttributeDefinitions: key.map((part) => ({ AttributeName: part.name, AttributeType: part.type })),
      }),
    );
  } catch (err) {
    // Another process created it between our DescribeTable and CreateTable.
    if (errorCode(err) !== 'ResourceInUseException') throw err;
  }
}

interface KeyPart {
  readonly name: string;
  readonly keyType: 'HASH' | 'RANGE';
  readonly type: ScalarAttributeType | undefined;
}

function keySchema(key: StateTableKey): KeyPart[] {
  const parts: KeyPart[] = [{ name: key.partitionKey.name, keyType: 'HASH', type: key.partitionKey.type }];
  if (key.sortKey) parts.push({ name: key.sortKey.name, keyType: 'RANGE', type: key.sortKey.type });
  return parts;
}

/** The table's key as `KeyPart`s, or undefined when there is no such table. */
async function describeKeys(client: DynamoDBClient, name: string): Promise<KeyPart[] | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: name }));
    const types = new Map((out.Table?.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
    return (out.Table?.KeySchema ?? [])
      .map(
        (k): KeyPart => ({
          name: k.AttributeName ?? '',
          keyType: k.KeyType === 'RANGE' ? 'RANGE' : 'HASH',
          type: types.get(k.AttributeName),
        }),
      )
      .sort((a, b) => a.keyType.localeCompare(b.keyType));
  } catch (err) {
    if (errorCode(err) === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

function describeKey(parts: readonly KeyPart[]): string {
  return parts.map((p) => `${p.name} (${p.type ?? '?'}, ${p.keyType})`).join(' + ');
}

/** A DynamoDB item as the low-level client returns it. */
export type StateItem = Record<string, AttributeValue>;

/** Thrown when a stored item lacks an attribute or holds the wrong type: the table was written by something else. */
function invalidItem(table: string, attribute: string, expected: string): LeanOpsError {
  return new LeanOpsError('state_invalid', `${table}: item attribute ${attribute}: expected ${expected}`);
}

/** The string attribute `name` of a stored item; undefined when absent. */
export function readString(item: StateItem, name: string, table: string): string | undefined {
  const value = item[name];
  if (value === undefined) return undefined;
  if (value.S === undefined) throw invalidItem(table, name, 'a string (S)');
  return value.S;
}

/** The number attribute `name` of a stored item (a safe integer); undefined when absent. */
export function readInteger(item: StateItem, name: string, table: string): number | undefined {
  const value = item[name];
  if (value === undefined) return undefined;
  const n = Number(value.N);
  if (value.N === undefined || !Number.isSafeInteger(n)) throw invalidItem(table, name, 'an integer (N)');
  return n;
}

/** Like `readString`, but the attribute must be present. */
export function requireString(item: StateItem, name: string, table: string): string {
  const value = readString(item, name, table);
  if (value === undefined) throw invalidItem(table, name, 'a string (S), got none');
  return value;
}

/** True when `err` is DynamoDB refusing a write because its ConditionExpression was false. */
export function isConditionFailed(err: unknown): boolean {
  return errorCode(err) === 'ConditionalCheckFailedException';
}

/** Key attributes must be non-empty strings: DynamoDB rejects empty ones with a less helpful error. */
export function checkKeyArgument(argument: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new RangeError(`${argument}: expected a non-empty string (got ${JSON.stringify(value)})`);
  }
}

/**
 * Every item of one topic (a Query on the partition key `topic`), or of the whole table
 * (a Scan) when `topic` is undefined, following `LastEvaluatedKey` page by page.
 * Strongly consistent reads; `pageSize` caps the items per call (DynamoDB's own cap is 1 MB).
 */
export async function readAllItems(
  client: DynamoDBClient,
  tableName: string,
  topic: string | undefined,
  pageSize: number | undefined,
): Promise<StateItem[]> {
  const config = { client, ...(pageSize === undefined ? {} : { pageSize }) };
  const pages =
    topic === undefined
      ? paginateScan(config, { TableName: tableName, ConsistentRead: true })
      : paginateQuery(config, {
          TableName: tableName,
          KeyConditionExpression: '#topic = :topic',
          ExpressionAttributeNames: { '#topic': TOPIC_ATTRIBUTE },
          ExpressionAttributeValues: { ':topic': { S: topic } },
          ConsistentRead: true,
        });
  const items: StateItem[] = [];
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}
