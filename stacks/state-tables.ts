/**
 * The scheduler's DynamoDB tables, with the keys the adapters use (`STATE_TABLE_KEYS`,
 * one definition in packages/core):
 *
 * - checkpoints: `topic` (S) → the RAW / curated snapshots consumed so far.
 * - schemas: `topic` (S) + `version` (N) → semantic schema versions.
 * - drift_log: `topic` (S) + `column` (S) → first sighting of an undeclared column; its stream
 *   (new images) lets a notifier react to new entries.
 *
 * On demand capacity (the scheduler's load is tiny and bursty), SSE with the stage key,
 * point-in-time recovery and deletion protection per stage.
 */
import { STATE_TABLE_KEYS, type StateTable, type StateTableKey } from '@lean-ops/core';
import type { StageNames } from './names';
import type { StageConfig } from './stage';

export type StateTableName = StateTable;

export function createStateTables(stage: StageConfig, names: StageNames, keyArn: $util.Input<string>) {
  const table = (id: StateTableName, extra: Partial<aws.dynamodb.TableArgs> = {}) => {
    const keys: StateTableKey = STATE_TABLE_KEYS[id];
    const attributes = [keys.partitionKey, ...(keys.sortKey ? [keys.sortKey] : [])];
    return new aws.dynamodb.Table(`${id}Table`, {
      name: names.tables[id],
      billingMode: 'PAY_PER_REQUEST',
      hashKey: keys.partitionKey.name,
      rangeKey: keys.sortKey?.name,
      attributes: attributes.map(({ name, type }) => ({ name, type })),
      serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
      pointInTimeRecovery: { enabled: stage.pointInTimeRecovery },
      deletionProtectionEnabled: stage.deletionProtection,
      ...extra,
    });
  };
  return {
    checkpoints: table('checkpoints'),
    schemas: table('schemas'),
    driftLog: table('driftLog', { streamEnabled: true, streamViewType: 'NEW_IMAGE' }),
  };
}

export type StateTables = ReturnType<typeof createStateTables>;
