import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CheckpointConflictError,
  type CheckpointName,
  type CheckpointStore,
  type SnapshotRef,
  TOPIC_ATTRIBUTE,
  type TopicCheckpoints,
} from '@lean-ops/core';
import {
  checkKeyArgument,
  checkStateTableOptions,
  isConditionFailed,
  readInteger,
  readString,
  type StateItem,
  type StateTableOptions,
} from './state-tables.js';

export interface DynamoCheckpointStoreOptions extends StateTableOptions {
  /** Clock for `updated_at`. @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** Where each checkpoint lives in the topic's item. */
const CHECKPOINT_ATTRIBUTES = {
  curated: { id: 'curated_id', seq: 'curated_seq' },
  semantic: { id: 'semantic_id', seq: 'semantic_seq' },
} as const satisfies Record<CheckpointName, { id: string; seq: string }>;

/**
 * Checkpoints in DynamoDB, one item per topic. `advance` is a single conditional
 * UpdateItem, so the compare-and-set holds across processes: the write happens only
 * while the stored checkpoint equals `expected` (absent for null) and is below `next`.
 */
export class DynamoCheckpointStore implements CheckpointStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly now: () => Date;

  constructor(options: DynamoCheckpointStoreOptions) {
    checkStateTableOptions('DynamoCheckpointStore options', options).func('now', options?.now, true).done();
    this.client = options.client;
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
  }

  /** Strongly consistent, so a compare-and-set right after sees the latest value. */
  async get(topic: string): Promise<TopicCheckpoints> {
    checkKeyArgument('topic', topic);
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { [TOPIC_ATTRIBUTE]: { S: topic } }, ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    return { curated: this.refOf(item, 'curated'), semantic: this.refOf(item, 'semantic') };
  }

  async advance(topic: string, name: CheckpointName, expected: SnapshotRef | null, next: SnapshotRef): Promise<void> {
    checkKeyArgument('topic', topic);
    if (!Object.hasOwn(CHECKPOINT_ATTRIBUTES, name)) {
      throw new RangeError(`checkpoint name: expected curated or semantic (got ${JSON.stringify(name)})`);
    }
    if (expected !== null) checkRef('expected', expected);
    checkRef('next', next);
    const { id, seq } = CHECKPOINT_ATTRIBUTES[name];
    const values: StateItem = {
      ':nextId': { S: next.id },
      ':nextSeq': { N: String(next.sequence) },
      ':now': { S: this.now().toISOString() },
    };
    let condition = 'attribute_not_exists(#id) AND attribute_not_exists(#seq)';
    if (expected !== null) {
      condition = '#id = :expectedId AND #seq = :expectedSeq AND #seq < :nextSeq';
      values[':expectedId'] = { S: expected.id };
      values[':expectedSeq'] = { N: String(expected.sequence) };
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [TOPIC_ATTRIBUTE]: { S: topic } },
          UpdateExpression: 'SET #id = :nextId, #seq = :nextSeq, updated_at = :now',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#id': id, '#seq': seq },
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      // ReturnValuesOnConditionCheckFailure puts the stored item on the error: no second read.
      const stored = this.refOf((err as { Item?: StateItem }).Item ?? {}, name);
      throw new CheckpointConflictError(conflictMessage(topic, name, expected, next, stored));
    }
  }

  private refOf(item: StateItem, name: CheckpointName): SnapshotRef | null {
    const id = readString(item, CHECKPOINT_ATTRIBUTES[name].id, this.tableName);
    const sequence = readInteger(item, CHECKPOINT_ATTRIBUTES[name].seq, this.tableName);
    return id === undefined || sequence === undefined ? null : { id, sequence };
  }
}

function conflictMessage(
  topic: string,
  name: CheckpointName,
  expected: SnapshotRef | null,
  next: SnapshotRef,
  stored: SnapshotRef | null,
): string {
  const why = sameRef(stored, expected)
    ? `next sequence ${next.sequence} is not above the stored ${stored?.sequence}`
    : 'the stored checkpoint is not the expected one';
  return (
    `${name} checkpoint of topic "${topic}" not advanced to ${formatRef(next)}: ${why} ` +
    `(expected ${formatRef(expected)}, stored ${formatRef(stored)})`
  );
}

function sameRef(a: SnapshotRef | null, b: SnapshotRef | null): boolean {
  return a === null || b === null ? a === b : a.id === b.id && a.sequence === b.sequence;
}

function formatRef(ref: SnapshotRef | null): string {
  return ref === null ? 'null' : `${ref.id}@${ref.sequence}`;
}

/** Iceberg snapshot ids are text and sequence numbers non-negative integers. */
function checkRef(argument: string, ref: SnapshotRef): void {
  if (typeof ref?.id !== 'string' || ref.id === '' || !Number.isSafeInteger(ref.sequence) || ref.sequence < 0) {
    throw new RangeError(
      `${argument}: expected { id: non-empty string, sequence: integer ≥ 0 } (got ${JSON.stringify(ref)})`,
    );
  }
}
