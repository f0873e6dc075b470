import {
  CheckpointConflictError,
  type CheckpointName,
  type CheckpointStore,
  type DriftEntry,
  type DriftLog,
  type DriftStatus,
  type Notifier,
  type PipelineNotice,
  SchemaError,
  type SchemaRegistry,
  type SemanticSchema,
  type SnapshotRef,
  type TopicCheckpoints,
} from '@lean-ops/core';

/**
 * In-memory fakes of the state ports, for unit tests of the run logic only. The real
 * adapters (DynamoDB) are tested against DynamoDB Local; the scheduler's integration tests
 * use those.
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly values = new Map<string, TopicCheckpoints>();
  readonly advances: { topic: string; name: CheckpointName; next: SnapshotRef }[] = [];

  async get(topic: string): Promise<TopicCheckpoints> {
    return this.values.get(topic) ?? { curated: null, semantic: null };
  }

  async advance(topic: string, name: CheckpointName, expected: SnapshotRef | null, next: SnapshotRef): Promise<void> {
    const current = await this.get(topic);
    const stored = current[name];
    const matches = stored === null ? expected === null : stored.id === expected?.id;
    if (!matches || next.sequence <= (stored?.sequence ?? 0)) {
      throw new CheckpointConflictError(`${topic}.${name}: stored ${stored?.id ?? 'none'}`);
    }
    this.values.set(topic, { ...current, [name]: next });
    this.advances.push({ topic, name, next });
  }
}

export class InMemorySchemaRegistry implements SchemaRegistry {
  readonly schemas: SemanticSchema[] = [];

  async latest(topic: string): Promise<SemanticSchema | null> {
    return this.schemas.filter((s) => s.topic === topic).sort((a, b) => b.version - a.version)[0] ?? null;
  }

  async register(schema: SemanticSchema): Promise<void> {
    const latest = await this.latest(schema.topic);
    if (schema.version !== (latest?.version ?? 0) + 1) throw new SchemaError(`version ${schema.version}`);
    this.schemas.push(schema);
  }

  async list(topic?: string): Promise<readonly SemanticSchema[]> {
    return this.schemas.filter((s) => topic === undefined || s.topic === topic);
  }
}

export class InMemoryDriftLog implements DriftLog {
  readonly entries: DriftEntry[] = [];

  async record(entry: DriftEntry): Promise<boolean> {
    if (this.entries.some((e) => e.topic === entry.topic && e.column === entry.column)) return false;
    this.entries.push(entry);
    return true;
  }

  async list(topic?: string): Promise<readonly DriftEntry[]> {
    return this.entries.filter((e) => topic === undefined || e.topic === topic);
  }

  async setStatus(topic: string, column: string, status: DriftStatus): Promise<void> {
    const i = this.entries.findIndex((e) => e.topic === topic && e.column === column);
    if (i < 0) throw new Error(`no drift entry ${topic}.${column}`);
    this.entries[i] = { ...(this.entries[i] as DriftEntry), status };
  }
}

export class RecordingNotifier implements Notifier {
  readonly notices: PipelineNotice[] = [];
  async notify(notice: PipelineNotice): Promise<void> {
    this.notices.push(notice);
  }
}
