import { isErrorNamed, type LakeCatalog, type Layer, parseSemanticSchema, type SnapshotRef } from '@lean-ops/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { executeRun, nextStep } from '../../src/pipeline-run.js';
import { parseReprocessRequest, type ReprocessRequest } from '../../src/reprocess-request.js';
import { initialRunState, type RunState } from '../../src/run-state.js';
import {
  InMemoryCheckpointStore,
  InMemoryDriftLog,
  InMemorySchemaRegistry,
  RecordingNotifier,
} from '../helpers/in-memory-state.js';
import { oneTopicBatches, ScriptedLake } from '../helpers/scripted-lake.js';

const schema = parseSemanticSchema({
  topic: 'sensors',
  version: 1,
  columns: [{ name: 'temperature', type: 'double' }],
});

const request = (over: Partial<ReprocessRequest> = {}): ReprocessRequest => ({
  id: 'r1',
  topic: 'sensors',
  layer: 'curated',
  from_snapshot: null,
  dry_run: false,
  requested_at: '2026-12-04T00:00:00.000Z',
  ...over,
});

/** Snapshots the scripted lake made, looked up by id; figures are fixed. */
class ScriptedCatalog implements LakeCatalog {
  readonly known = new Map<string, SnapshotRef>();
  async figures(_topic: string, layer: Layer) {
    return { records: layer === 'raw' ? 10 : 5, snapshots: 2, bytes: null };
  }
  async snapshot(_topic: string, _layer: Layer, id: string) {
    return this.known.get(id) ?? null;
  }
}

describe('reprocess runs (in-memory fakes of the ports; scripted lake)', () => {
  let lake: ScriptedLake;
  let catalog: ScriptedCatalog;
  let checkpoints: InMemoryCheckpointStore;
  let schemas: InMemorySchemaRegistry;

  beforeEach(() => {
    lake = new ScriptedLake();
    catalog = new ScriptedCatalog();
    checkpoints = new InMemoryCheckpointStore();
    schemas = new InMemorySchemaRegistry();
  });

  const deps = (withCatalog = true) => ({
    checkpoints,
    schemas,
    snapshots: lake,
    jobs: oneTopicBatches(lake),
    drift: new InMemoryDriftLog(),
    notifier: new RecordingNotifier(),
    ...(withCatalog && { catalog }),
  });
  const run = (start: RunState, withCatalog = true) =>
    executeRun(deps(withCatalog), { backlogRecords: 10 }, start, { save: async () => undefined });
  const pipelineRun = () => run(initialRunState('sensors', 'manual', new Date()));
  const reprocess = (over: Partial<ReprocessRequest> = {}) =>
    run(initialRunState('sensors', 'manual', new Date(), request(over)));

  it('rebuilds curated then semantic over the whole source, pinned to the heads the plan read', async () => {
    await schemas.register(schema);
    const first = lake.appendRaw(3);
    await pipelineRun();
    const head = lake.appendRaw(2); // not yet curated: the rebuild takes it too
    lake.calls.length = 0;

    const end = await reprocess();

    expect(end.trigger).toBe('reprocess');
    expect(end.outcome).toBe('Reprocessed');
    expect(end.again).toBe(true);
    expect(end.completed).toEqual([
      'PlanReprocess',
      'RebuildCurated',
      'UpdateCurationCheckpoint',
      'RebuildSemantic',
      'UpdateSemanticCheckpoint',
      'FinishReprocess',
    ]);
    expect(lake.calls).toEqual([`curation-rebuild start→${head.id}`, `semantic-rebuild start→${lake.curated?.id}`]);
    expect((await checkpoints.get('sensors')).curated).toEqual(head);
    expect((await checkpoints.get('sensors')).semantic).toEqual(lake.curated);
    expect(end.reprocess?.plan).toMatchObject({ from: null, to: head, scope_records: null });
    expect(first.sequence).toBeLessThan(head.sequence);
  });

  it('starts a --from-snapshot rebuild at the earlier of that snapshot and the checkpoint, so nothing unconsumed is skipped', async () => {
    await schemas.register(schema);
    const a = lake.appendRaw(1);
    await pipelineRun();
    const b = lake.appendRaw(1);
    await pipelineRun();
    const c = lake.appendRaw(1); // after the checkpoint (b)
    for (const s of [a, b, c]) catalog.known.set(s.id, s);
    const semanticBefore = (await checkpoints.get('sensors')).semantic;
    lake.calls.length = 0;

    // Asked from c, newer than the checkpoint b: the rebuild starts at b.
    const late = await reprocess({ from_snapshot: c.id });
    expect(late.reprocess?.plan?.from).toEqual(b);
    expect(lake.calls[0]).toBe(`curation-rebuild ${b.id}→${c.id}`);
    // The semantic rebuild takes every curated change since its checkpoint, the rebuilt rows among them.
    expect(lake.calls[1]).toBe(`semantic-rebuild ${semanticBefore?.id}→${lake.curated?.id}`);

    // Asked from a, older than the checkpoint (now c): the rebuild starts at a.
    lake.calls.length = 0;
    const early = await reprocess({ id: 'r2', from_snapshot: a.id });
    expect(early.reprocess?.plan?.from).toEqual(a);
    expect(lake.calls[0]).toBe(`curation-rebuild ${a.id}→${c.id}`);
  });

  it('rebuilds curated only when the topic has no schema, and semantic alone from the curated head', async () => {
    lake.appendRaw(2);
    const curatedOnly = await reprocess();
    expect(curatedOnly.completed).toEqual([
      'PlanReprocess',
      'RebuildCurated',
      'UpdateCurationCheckpoint',
      'FinishReprocess',
    ]);
    expect(curatedOnly.reprocess?.plan?.rebuilds.map((r) => r.layer)).toEqual(['curated']);

    await schemas.register(schema);
    lake.calls.length = 0;
    const semantic = await reprocess({ id: 'r2', layer: 'semantic' });
    expect(semantic.completed).toEqual([
      'PlanReprocess',
      'RebuildSemantic',
      'UpdateSemanticCheckpoint',
      'FinishReprocess',
    ]);
    expect(lake.calls).toEqual([`semantic-rebuild start→${lake.curated?.id}`]);
    expect((await checkpoints.get('sensors')).semantic).toEqual(lake.curated);
  });

  it('a dry run ends after its plan, moving nothing', async () => {
    await schemas.register(schema);
    lake.appendRaw(2);
    const end = await reprocess({ dry_run: true });
    expect(end.outcome).toBe('ReprocessPlanned');
    expect(end.completed).toEqual(['PlanReprocess']);
    expect(end.reprocess?.plan?.source).toEqual({ layer: 'raw', figures: { records: 10, snapshots: 2, bytes: null } });
    expect(lake.calls).toEqual([]);
    expect(await checkpoints.get('sensors')).toEqual({ curated: null, semantic: null });
    expect(nextStep(end)).toBeNull();
  });

  it.each([
    ['no source snapshot', {}, false, 'the raw table has no snapshot yet'],
    [
      'an unknown --from-snapshot',
      { from_snapshot: 'nope' },
      true,
      '--from-snapshot nope is not a snapshot of the raw table',
    ],
    ['a semantic rebuild without a schema', { layer: 'semantic' as const }, true, 'no semantic schema registered'],
  ])('refuses to plan with %s, naming why', async (_what, over, withRaw, message) => {
    if (withRaw) {
      lake.appendRaw(1);
      await pipelineRun();
    }
    const failed = await reprocess(over).catch((err: unknown) => err);
    expect(isErrorNamed((failed as Error).cause, 'ReprocessPlanError')).toBe(true);
    expect((failed as Error).cause).toHaveProperty('message', expect.stringContaining(message));
  });

  it('refuses without an engine that can plan (no catalog)', async () => {
    lake.appendRaw(1);
    const failed = await run(initialRunState('sensors', 'manual', new Date(), request()), false).catch((e) => e);
    expect((failed as Error).cause).toHaveProperty('message', expect.stringContaining('cannot plan a reprocess'));
  });

  it('leaves maintenance to the next pipeline run', async () => {
    lake.appendRaw(1);
    let claims = 0;
    const end = await executeRun(
      deps(),
      { backlogRecords: 10 },
      initialRunState('sensors', 'manual', new Date(), request()),
      {
        save: async () => undefined,
        claimMaintenance: async () => {
          claims += 1;
          return true;
        },
      },
    );
    expect(end.maintain).toBeUndefined();
    expect(claims).toBe(0);
  });
});

describe('parseReprocessRequest', () => {
  it('names every bad field', () => {
    expect(() => parseReprocessRequest({ id: '', topic: 't', layer: 'raw', from_snapshot: 3, dry_run: 'no' })).toThrow(
      /id: expected a non-empty string[\s\S]*requested_at: expected[\s\S]*layer: expected one of curated, semantic[\s\S]*from_snapshot: expected[\s\S]*dry_run: expected true or false/,
    );
  });

  it('takes a well-formed request as it is', () => {
    expect(parseReprocessRequest(request({ from_snapshot: '17' }))).toEqual(request({ from_snapshot: '17' }));
  });
});
