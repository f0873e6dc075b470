import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type DriftEntry,
  type DriftLog,
  type DriftStatus,
  LeanOpsError,
  STATE_TABLE_KEYS,
  TOPIC_ATTRIBUTE,
} from '@lean-ops/core';
import {
  checkKeyArgument,
  checkStateTableOptions,
  isConditionFailed,
  readAllItems,
  requireString,
  type StateItem,
  type StateTableOptions,
} from './state-tables.js';

export interface DynamoDriftLogOptions extends StateTableOptions {
  /** Items per Query/Scan call in `list`. @defaultValue DynamoDB's 1 MB pages */
  readonly pageSize?: number;
}

const COLUMN = STATE_TABLE_KEYS.driftLog.sortKey.name;
const STATUSES = { pending: true, approved: true } as const satisfies Record<DriftStatus, true>;

function isDriftStatus(value: unknown): value is DriftStatus {
  return typeof value === 'string' && Object.hasOwn(STATUSES, value);
}

/**
 * The drift log in DynamoDB, one item per (topic, column). `record` writes only when no
 * item exists for the pair, so the first sighting (and its `first_seen`) is kept however
 * many runs see the column, and exactly one caller learns that the entry is new.
 */
export class DynamoDriftLog implements DriftLog {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly pageSize: number | undefined;

  constructor(options: DynamoDriftLogOptions) {
    checkStateTableOptions('DynamoDriftLog options', options).integer('pageSize', options?.pageSize, 1).done();
    this.client = options.client;
    this.tableName = options.tableName;
    this.pageSize = options.pageSize;
  }

  async record(entry: DriftEntry): Promise<boolean> {
    checkKeyArgument('entry.topic', entry?.topic);
    checkKeyArgument('entry.column', entry.column);
    checkKeyArgument('entry.first_seen', entry.first_seen);
    checkStatus('entry.status', entry.status);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [TOPIC_ATTRIBUTE]: { S: entry.topic },
            [COLUMN]: { S: entry.column },
            first_seen: { S: entry.first_seen },
            status: { S: entry.status },
          },
          // `column` is a DynamoDB reserved word, hence the placeholder.
          ConditionExpression: 'attribute_not_exists(#column)',
          ExpressionAttributeNames: { '#column': COLUMN },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Every entry of `topic` (or of all topics), by topic then column. */
  async list(topic?: string): Promise<readonly DriftEntry[]> {
    if (topic !== undefined) checkKeyArgument('topic', topic);
    const items = await readAllItems(this.client, this.tableName, topic, this.pageSize);
    return items
      .map((item) => this.entryOf(item))
      .sort((a, b) => compareText(a.topic, b.topic) || compareText(a.column, b.column));
  }

  /** Throws `LeanOpsError` (code `not_found`) when no entry exists for (topic, column). */
  async setStatus(topic: string, column: string, status: DriftStatus): Promise<void> {
    checkKeyArgument('topic', topic);
    checkKeyArgument('column', column);
    checkStatus('status', status);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [TOPIC_ATTRIBUTE]: { S: topic }, [COLUMN]: { S: column } },
          UpdateExpression: 'SET #status = :status',
          ConditionExpression: 'attribute_exists(#column)',
          ExpressionAttributeNames: { '#status': 'status', '#column': COLUMN },
          ExpressionAttributeValues: { ':status': { S: status } },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      throw new LeanOpsError(
        'not_found',
        `No drift entry for topic "${topic}" column "${column}" in table ${this.tableName}`,
      );
    }
  }

  private entryOf(item: StateItem): DriftEntry {
    const status = requireString(item, 'status', this.tableName);
    if (!isDriftStatus(status)) {
      throw new LeanOpsError('state_invalid', `${this.tableName}: item attribute status: unknown status "${status}"`);
    }
    return {
      topic: requireString(item, TOPIC_ATTRIBUTE, this.tableName),
      column: requireString(item, COLUMN, this.tableName),
      first_seen: requireString(item, 'first_seen', this.tableName),
      status,
    };
  }
}

function checkStatus(argument: string, status: unknown): void {
  if (!isDriftStatus(status)) {
    throw new RangeError(`${argument}: expected ${Object.keys(STATUSES).join(' or ')} (got ${JSON.stringify(status)})`);
  }
}

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
