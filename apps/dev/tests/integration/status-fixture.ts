import type { RunReport } from '@lean-ops/worker-scheduler';
import type { DevStatus, StatusSource, TopicStatus } from '../../src/status-types.js';

/** Markup in an engine's error message: the page must show it as text and never run it. */
export const HOSTILE_ERROR =
  'Glue job failed: <script>window.__leanOpsInjected = "script"</script><img src=x onerror="window.__leanOpsInjected = \'img\'">';

const START = Date.parse('2025-06-01T12:00:00.000Z');
const iso = (offsetMs: number): string => new Date(START + offsetMs).toISOString();
const snap = (sequence: number) => ({ id: `${sequence}0f3a9c2e7b1d4${sequence}`, sequence });

function topic(name: string, tick: number, overrides: Partial<TopicStatus>): TopicStatus {
  const received = 1000 + tick * 250;
  return {
    topic: name,
    schema_version: 1,
    received,
    queue: { visible: 40 + tick, in_flight: 10, delayed: 0 },
    dlq: { visible: 0, in_flight: 0 },
    raw: received - 60,
    curated: received - 120,
    curated_rejects: 7,
    semantic: received - 150,
    semantic_rejects: 3,
    quarantined: 2,
    snapshots: { raw: snap(10 + tick), curated: snap(5 + tick) },
    checkpoints: { curated: snap(9 + tick), semantic: snap(4 + tick) },
    curation_pending: 60,
    last_runs: [],
    drift: [],
    table_health: null,
    reprocess: null,
    ...overrides,
  };
}

const figures = (dataFiles: number, snapshots: number, oldest: number) => ({
  data_files: dataFiles,
  small_files: 2,
  avg_file_bytes: 1024,
  data_bytes: dataFiles * 1024,
  delete_files: 0,
  snapshots,
  oldest_snapshot_age_seconds: oldest,
  manifests: 0,
  metadata_files: 0,
});

const run = (name: string, outcome: RunReport['outcome'], extra: Partial<RunReport> = {}): RunReport => ({
  topic: name,
  trigger: 'raw-advanced',
  outcome,
  started_at: iso(0),
  finished_at: iso(1840),
  timings: { GetAllCheckpoints: 12, CheckForNewRawData: 1, RunCurationJob: 1204, UpdateCurationCheckpoint: 8 },
  ...extra,
});

/**
 * A dev stack three topics deep, as `lean-ops dev` would report it `tick` polls in: one
 * full pipeline with drift, one without a semantic schema, one whose last run failed.
 */
export function devStatus(tick: number): DevStatus {
  return {
    generated_at: iso(tick * 1000),
    uptime_s: 3725 + tick,
    data_dir: '/tmp/lean-ops-dev/data',
    breaker: tick % 2 === 0 ? 'closed' : 'half_open',
    simulator: { enabled: true, running: true, sent: 3000 + tick * 750, profile: 'chaos' },
    endpoints: {
      sqs: 'http://127.0.0.1:9324',
      redis: 'redis://127.0.0.1:6390',
      metrics: 'http://127.0.0.1:9464/metrics',
      status: 'http://127.0.0.1:9470',
    },
    topics: [
      topic('sensors', tick, {
        schema_version: 2,
        last_runs: [
          run('sensors', 'FullPipelineSuccess', {
            curation_records_written: 240,
            semantic_records_written: 236,
            semantic_records_rejected: 4,
            new_drift: ['pressure'],
          }),
          run('sensors', 'NoNewData', {
            trigger: 'schedule',
            timings: { GetAllCheckpoints: 9, CheckForNewRawData: 1 },
          }),
        ],
        drift: [{ topic: 'sensors', column: 'pressure', first_seen: iso(-60_000), status: 'pending' }],
        table_health: {
          at: iso(-30_000),
          tables: [
            { topic: 'sensors', layer: 'raw', table: 'raw.sensors', figures: figures(1200, 3, 4000) },
            { topic: 'sensors', layer: 'semantic_rejects', table: 'semantic.sensors_semantic_rejects', figures: null },
          ],
        },
      }),
      topic('vehicles', tick, {
        schema_version: null,
        semantic: 0,
        semantic_rejects: 0,
        checkpoints: { curated: snap(9 + tick), semantic: null },
        last_runs: [run('vehicles', 'CurationOnlySuccess', { curation_records_written: 180 })],
        drift: [{ topic: 'vehicles', column: '*', first_seen: iso(-120_000), status: 'pending' }],
      }),
      topic('meters', tick, {
        dlq: { visible: 3, in_flight: 1 },
        reprocess: {
          id: '0b6f2c1e-reprocess',
          topic: 'meters',
          layer: 'curated',
          from_snapshot: null,
          dry_run: false,
          requested_at: iso(-90_000),
        },
        last_runs: [
          run('meters', 'Failed', {
            failed_step: 'RunSemanticJob',
            error: { name: 'GlueJobError', message: HOSTILE_ERROR },
          }),
        ],
      }),
    ],
  };
}

/** The running stack, scripted: each call is one tick later; `failWith` makes it throw. */
export class ScriptedStatusSource implements StatusSource {
  calls = 0;
  failWith: string | null = null;

  async status(): Promise<DevStatus> {
    if (this.failWith !== null) throw new Error(this.failWith);
    this.calls += 1;
    return devStatus(this.calls);
  }
}
