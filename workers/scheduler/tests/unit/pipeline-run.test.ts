import {
  JobFailedError,
  parseSemanticSchema,
  type SemanticSchema,
  type TableHealth,
  type TableLayer,
  type TableMaintenance,
  type TableMaintenanceOutcome,
  type TableMaintenanceStatus,
  type TopicCheckpoints,
} from '@lean-ops/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { executeRun, nextStep } from '../../src/pipeline-run.js';
import { initialRunState, type RunState } from '../../src/run-state.js';
import { RunStepError } from '../../src/run-step-error.js';
import {
  InMemoryCheckpointStore,
  InMemoryDriftLog,
  InMemorySchemaRegistry,
  RecordingNotifier,
} from '../helpers/in-memory-state.js';
import { oneTopicBatches, ScriptedLake } from '../helpers/scripted-lake.js';

const schema: SemanticSchema = parseSemanticSchema({
  topic: 'sensors',
  version: 1,
  columns: [{ name: 'temperature', type: 'double' }],
});

describe('executeRun (in-memory fakes of the ports; scripted lake)', () => {
  let lake: ScriptedLake;
  let checkpoints: InMemoryCheckpointStore;
  let schemas: InMemorySchemaRegistry;
  let drift: InMemoryDriftLog;
  let notifier: RecordingNotifier;
  let saved: RunState[];

  beforeEach(() => {
    lake = new ScriptedLake();
    checkpoints = new InMemoryCheckpointStore();
    schemas = new InMemorySchemaRegistry();
    drift = new InMemoryDriftLog();
    notifier = new RecordingNotifier();
    saved = [];
  });

  const deps = () => ({ checkpoints, schemas, snapshots: lake, jobs: oneTopicBatches(lake), drift, notifier });
  const run = (start = initialRunState('sensors', 'manual', new Date())) =>
    executeRun(deps(), { backlogRecords: 10 }, start, {
      save: async (s) => {
        saved.push(s);
      },
    });

  it('ends NoNewData when RAW has no snapshot, and when RAW equals the curated checkpoint', async () => {
    expect((await run()).outcome).toBe('NoNewData');
    lake.appendRaw(3);
    await schemas.register(schema);
    expect((await run()).outcome).toBe('FullPipelineSuccess');
    const again = await run();
    expect(again.outcome).toBe('NoNewData');
    expect(again.completed).toEqual(['GetAllCheckpoints', 'CheckForNewRawData']);
  });

  it('ends CurationOnlySuccess without a schema, logging drift "*" and notifying once per run', async () => {
    lake.appendRaw(2);
    const end = await run();
    expect(end.outcome).toBe('CurationOnlySuccess');
    expect(end.completed).toContain('NotifyMissingSchema');
    expect(notifier.notices).toEqual([{ kind: 'missing_schema', topic: 'sensors' }]);
    expect(drift.entries.map((e) => e.column)).toEqual(['*']);
    expect((await checkpoints.get('sensors')).curated).toEqual(lake.raw);
    expect((await checkpoints.get('sensors')).semantic).toBeNull();
  });

  it('ends NoNewCuratedData when curation produced no new curated snapshot', async () => {
    await schemas.register(schema);
    lake.appendRaw(1);
    expect((await run()).outcome).toBe('FullPipelineSuccess');
    lake.appendRaw(0); // only duplicates arrived: RAW advanced, curated did not
    const end = await run();
    expect(end.outcome).toBe('NoNewCuratedData');
    expect(lake.calls.filter((c) => c.startsWith('semantic'))).toHaveLength(1);
  });

  it('ends FullPipelineSuccess passing the curation output to the semantic job (token passing)', async () => {
    await schemas.register(schema);
    lake.appendRaw(5);
    const end = await run();
    expect(end.outcome).toBe('FullPipelineSuccess');
    expect(end.again).toBe(false);
    expect(end.completed).toEqual([
      'GetAllCheckpoints',
      'CheckForNewRawData',
      'RunCurationJob',
      'UpdateCurationCheckpoint',
      'CheckSchemaExists',
      'CheckForNewCuratedData',
      'RunSemanticJob',
      'UpdateSemanticCheckpoint',
      'CheckBacklogThreshold',
    ]);
    const cps = await checkpoints.get('sensors');
    expect(cps.curated).toEqual(lake.raw);
    expect(cps.semantic).toEqual(end.curation?.curated_snapshot);
    expect(lake.calls).toEqual([`curation start→${lake.raw?.id}`, `semantic start→${lake.curated?.id}`]);
    expect(saved).toHaveLength(9);
    expect(Object.keys(end.timings)).toHaveLength(9);
  });

  it('asks for another run at once above the backlog threshold', async () => {
    await schemas.register(schema);
    lake.appendRaw(50);
    lake.semanticWrites = 11;
    expect((await run()).again).toBe(true);
    lake.appendRaw(1);
    lake.semanticWrites = 10;
    expect((await run()).again).toBe(false);
  });

  it('logs each undeclared column once and notifies only new drift', async () => {
    await schemas.register(schema);
    lake.undeclared = ['humidity'];
    lake.appendRaw(1);
    expect((await run()).new_drift).toEqual(['humidity']);
    lake.undeclared = ['humidity', 'pressure'];
    lake.appendRaw(1);
    expect((await run()).new_drift).toEqual(['pressure']);
    expect(notifier.notices).toEqual([
      { kind: 'drift', topic: 'sensors', columns: ['humidity'] },
      { kind: 'drift', topic: 'sensors', columns: ['pressure'] },
    ]);
  });

  it('fails with the failing step, and the retry resumes there without re-running curation', async () => {
    await schemas.register(schema);
    lake.appendRaw(4);
    lake.failNext = { job: 'semantic', error: new JobFailedError('Glue says: out of memory') };
    const failure = await run().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RunStepError);
    expect((failure as RunStepError).step).toBe('RunSemanticJob');
    expect((failure as RunStepError).message).toContain('Glue says: out of memory');
    const last = saved.at(-1) as RunState;
    expect(nextStep(last)).toBe('RunSemanticJob');
    const end = await run(last);
    expect(end.outcome).toBe('FullPipelineSuccess');
    expect(lake.calls.filter((c) => c.startsWith('curation'))).toHaveLength(1);
    expect(checkpoints.advances.map((a) => a.name)).toEqual(['curated', 'semantic']);
  });

  it('treats a checkpoint already at its target as moved (worker died after the write, before saving)', async () => {
    await schemas.register(schema);
    lake.appendRaw(4);
    await expect(run()).resolves.toMatchObject({ outcome: 'FullPipelineSuccess' });
    // Replay the run from the state saved before UpdateCurationCheckpoint: the CAS conflicts
    // because the checkpoint already holds the target, which must count as done.
    const beforeUpdate = saved.find((s) => s.completed.at(-1) === 'RunCurationJob') as RunState;
    const end = await run(beforeUpdate);
    expect(end.outcome).toBe('FullPipelineSuccess');
    expect(checkpoints.advances).toHaveLength(2);
  });

  it('fails the update step when someone else moved the checkpoint elsewhere', async () => {
    lake.appendRaw(1);
    expect((await run()).outcome).toBe('CurationOnlySuccess');
    const replay = saved.find((s) => s.completed.at(-1) === 'RunCurationJob') as RunState;
    const before = (await checkpoints.get('sensors')).curated;
    await checkpoints.advance('sensors', 'curated', before, lake.appendRaw(1));
    const err = await run(replay).catch((e: unknown) => e);
    expect((err as RunStepError).step).toBe('UpdateCurationCheckpoint');
  });

  describe('MaintainTables (StandInMaintenance: a scripted TableMaintenance)', () => {
    class StandInMaintenance implements TableMaintenance {
      readonly calls: { topic: string; checkpoints: TopicCheckpoints }[] = [];
      constructor(private readonly answer: () => readonly TableMaintenanceOutcome[]) {}
      async health(): Promise<readonly TableHealth[]> {
        return [];
      }
      async maintain(topic: string, cps: TopicCheckpoints): Promise<readonly TableMaintenanceOutcome[]> {
        this.calls.push({ topic, checkpoints: cps });
        return this.answer();
      }
    }
    const outcome = (layer: TableLayer, status: TableMaintenanceStatus): TableMaintenanceOutcome => ({
      topic: 'sensors',
      layer,
      table: `${layer}.sensors`,
      status,
      actions: {},
      before: null,
      after: null,
    });
    const runWith = (maintenance: TableMaintenance, claim: () => Promise<boolean>) =>
      executeRun({ ...deps(), maintenance }, { backlogRecords: 10 }, initialRunState('sensors', 'manual', new Date()), {
        save: async (s) => {
          saved.push(s);
        },
        claimMaintenance: claim,
      });

    it('runs after the outcome when the run claims a request, with the checkpoints as they are then', async () => {
      await schemas.register(schema);
      lake.appendRaw(3);
      const maintenance = new StandInMaintenance(() => [outcome('raw', 'done'), outcome('curated', 'retry_later')]);

      const end = await runWith(maintenance, async () => true);

      expect(end.outcome).toBe('FullPipelineSuccess');
      expect(end.completed.at(-1)).toBe('MaintainTables');
      expect(maintenance.calls).toEqual([{ topic: 'sensors', checkpoints: await checkpoints.get('sensors') }]);
      expect(maintenance.calls[0]?.checkpoints.curated).toEqual(lake.raw);
      expect(end.maintenance?.tables.map((t) => `${t.layer}:${t.status}`)).toEqual(['raw:done', 'curated:retry_later']);
      // The claim is saved before the step: a resumed run maintains, and claims no second request.
      expect(saved.some((s) => s.maintain === true && !s.completed.includes('MaintainTables'))).toBe(true);
      expect(nextStep(end)).toBeNull();
    });

    it('does not run without a claimed request, and an engine error is the step’s result, not the run’s failure', async () => {
      const quiet = new StandInMaintenance(() => []);
      const unclaimed = await runWith(quiet, async () => false);
      expect(unclaimed.completed).not.toContain('MaintainTables');
      expect(quiet.calls).toHaveLength(0);

      const broken = new StandInMaintenance(() => {
        throw new JobFailedError('maintenance job run jr_1 FAILED: boom');
      });
      const end = await runWith(broken, async () => true);
      expect(end.outcome).toBe('NoNewData');
      expect(end.completed.at(-1)).toBe('MaintainTables');
      expect(end.maintenance).toMatchObject({ tables: [], error: expect.stringContaining('boom') });
    });
  });
});
