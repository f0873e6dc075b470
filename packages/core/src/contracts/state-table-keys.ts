/** DynamoDB's scalar key types the state tables use. */
export type KeyAttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

export interface StateTableKey {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/** Every state table is partitioned by topic. */
export const TOPIC_ATTRIBUTE = 'topic';

/**
 * The keys of the scheduler's DynamoDB state tables: the infrastructure (stacks/) creates
 * the AWS tables with them, the adapters (packages/aws) read and write with them, and
 * local mode creates them in DynamoDB Local.
 * - checkpoints: one item per topic with `curated_id`, `curated_seq`, `semantic_id`,
 *   `semantic_seq` (absent while null) and `updated_at`.
 * - schemas: one item per (topic, version) with `schema` (JSON text) and `registered_at`.
 * - driftLog: one item per (topic, column) with `first_seen` and `status`.
 */
export const STATE_TABLE_KEYS = {
  checkpoints: { partitionKey: { name: TOPIC_ATTRIBUTE, type: 'S' } },
  schemas: { partitionKey: { name: TOPIC_ATTRIBUTE, type: 'S' }, sortKey: { name: 'version', type: 'N' } },
  driftLog: { partitionKey: { name: TOPIC_ATTRIBUTE, type: 'S' }, sortKey: { name: 'column', type: 'S' } },
} as const satisfies Record<string, StateTableKey>;

export type StateTable = keyof typeof STATE_TABLE_KEYS;
