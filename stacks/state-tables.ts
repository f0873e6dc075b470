/**
 * The scheduler's DynamoDB tables. Their keys are a contract with the adapters in packages/:
 * change them only together.
 *
 * - checkpoints: `topic` (S) → the RAW / curated snapshots consumed so far.
 * - schemas: `topic` (S) + `version` (N) → semantic schema versions.
 * - drift_log: `topic` (S) + `column` (S) → first sighting of an undeclared column; its stream
 *   (new images) lets a notifier react to new entries.
 *
 * On demand capacity (the scheduler's load is tiny and bursty), SSE with the stage key,
 * point-in-time recovery and deletion protection per stage.
 */
import type { StageNames } from './names';
import type { StageConfig } from './stage';

type KeyType = 'S' | 'N';

/** Hash and optional range key of each table, as the adapters use them. */
export const STATE_TABLE_KEYS = {
  checkpoints: { hash: ['topic', 'S'] },
  schemas: { hash: ['topic', 'S'], range: ['version', 'N'] },
  driftLog: { hash: ['topic', 'S'], range: ['column', 'S'] },
} as const satisfies Record<string, { hash: readonly [string, KeyType]; range?: readonly [string, KeyType] }>;

export type StateTableName = keyof typeof STATE_TABLE_KEYS;

export function createStateTables(stage: StageConfig, names: StageNames, keyArn: $util.Input<string>) {
  const table = (id: StateTableName, extra: Partial<aws.dynamodb.TableArgs> = {}) => {
    const keys: { hash: readonly [string, KeyType]; range?: readonly [string, KeyType] } = STATE_TABLE_KEYS[id];
    const attributes = [keys.hash, ...(keys.range ? [keys.range] : [])];
    return new aws.dynamodb.Table(`${id}Table`, {
      name: names.tables[id],
      billingMode: 'PAY_PER_REQUEST',
      hashKey: keys.hash[0],
      rangeKey: keys.range?.[0],
      attributes: attributes.map(([name, type]) => ({ name, type })),
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
