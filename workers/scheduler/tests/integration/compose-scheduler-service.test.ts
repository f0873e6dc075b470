import { join } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import { type EncodedRecord, ServiceNotRunningError } from '@lean-ops/core';
import { LandingSink } from '@lean-ops/local';
import { createRegistry } from '@lean-ops/metrics';
import { encodedMessage, silentLogger, waitFor } from '@lean-ops/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeSchedulerService, localEngine, type SchedulerService } from '../../src/index.js';
import { gatedCuration, type LocalPipeline, localPipeline, type Servers, startServers } from '../helpers/harness.js';

function encoded(i: number): EncodedRecord {
  return encodedMessage('plain', i);
}

describe('Function: composeSchedulerService with the local engine, on real Redis, DynamoDB Local and DuckDB', () => {
  let servers: Servers;
  let p: LocalPipeline | undefined;
  let service: SchedulerService | undefined;

  beforeAll(async () => {
    servers = await startServers();
  });
  afterAll(async () => {
    await servers?.stop();
  });
  afterEach(async () => {
    await service?.close();
    await p?.close();
    service = undefined;
    p = undefined;
  });

  it('status(): landed files committed, the run active then reported; refused before start() and after close()', async () => {
    const pipeline = await localPipeline(servers);
    p = pipeline;
    const gate = gatedCuration();
    const logger = silentLogger();
    const loaded = loadConfig({ env: { LEAN_OPS_TOPICS: 'plain' }, cwd: pipeline.dir });
    const config = {
      ...loaded,
      dataDir: pipeline.dir,
      // No timers and no RAW polling of its own: the test polls RAW when it wants a run.
      thresholds: { ...loaded.thresholds, triggerIntervalSeconds: 0 },
      scheduler: {
        ...loaded.scheduler,
        prefix: pipeline.prefix,
        rawPollSeconds: 0,
        maintenanceIntervalSeconds: 0,
        lockDurationMs: 5_000,
        stalledIntervalMs: 1_000,
        shutdownBudgetMs: 5_000,
      },
    };
    const engine = localEngine(pipeline.lake, config, logger);
    const composed = composeSchedulerService(config, servers.redis.url, {
      checkpoints: pipeline.checkpoints,
      schemas: pipeline.schemas,
      drift: pipeline.drift,
      ...engine,
      jobs: gate.wrapJobs(engine.jobs),
      registry: createRegistry({ collectDefault: false }),
      logger,
    });
    service = composed;
    await expect(composed.status()).rejects.toThrow(ServiceNotRunningError);

    // Landed before the start: the service's landing committer delivers it into RAW.
    await new LandingSink({ dir: join(pipeline.dir, 'landing') }).putBatch([encoded(1), encoded(2)]);
    await composed.start();
    await waitFor('the landed file committed', async () => (await composed.status()).landedFiles === 0);
    expect((await pipeline.lake.rowCounts('plain')).raw).toBe(2);

    await composed.pollRaw();
    await gate.entered;
    expect(await composed.status()).toEqual({
      activeRuns: 1,
      queuedRuns: 0,
      recentRuns: { plain: [] },
      landedFiles: 0,
      tableHealth: { plain: null },
      reprocesses: { plain: null },
    });

    gate.release();
    await waitFor('the run reported and finished', async () => {
      const status = await composed.status();
      return status.recentRuns.plain?.length === 1 && status.activeRuns === 0;
    });
    const status = await composed.status();
    expect(status.queuedRuns).toBe(0);
    expect(status.recentRuns.plain?.[0]).toMatchObject({ topic: 'plain', outcome: 'CurationOnlySuccess' });

    const first = composed.close();
    expect(composed.close()).toBe(first);
    await first;
    await expect(composed.status()).rejects.toThrow(/scheduler is closed/);
  });

  it('a landing commit polls RAW at once: landed data gets its run long before the RAW poll timer ticks', async () => {
    const pipeline = await localPipeline(servers);
    p = pipeline;
    const logger = silentLogger();
    const loaded = loadConfig({ env: { LEAN_OPS_TOPICS: 'plain' }, cwd: pipeline.dir });
    const config = {
      ...loaded,
      dataDir: pipeline.dir,
      // No timers, and the RAW poll timer ticks only after an hour: only the commit can ask for the run.
      thresholds: { ...loaded.thresholds, triggerIntervalSeconds: 0 },
      scheduler: {
        ...loaded.scheduler,
        prefix: pipeline.prefix,
        rawPollSeconds: 3600,
        maintenanceIntervalSeconds: 0,
        shutdownBudgetMs: 5_000,
      },
    };
    const composed = composeSchedulerService(config, servers.redis.url, {
      checkpoints: pipeline.checkpoints,
      schemas: pipeline.schemas,
      drift: pipeline.drift,
      ...localEngine(pipeline.lake, config, logger),
      registry: createRegistry({ collectDefault: false }),
      logger,
    });
    service = composed;
    await composed.start();
    await new LandingSink({ dir: join(pipeline.dir, 'landing') }).putBatch([encoded(1), encoded(2), encoded(3)]);
    await waitFor('the run of the committed data reported', async () => {
      const runs = (await composed.status()).recentRuns.plain ?? [];
      return runs.length === 1;
    });
    expect((await composed.status()).recentRuns.plain?.[0]).toMatchObject({
      topic: 'plain',
      trigger: 'raw-advanced',
      outcome: 'CurationOnlySuccess',
    });
    expect((await pipeline.checkpoints.get('plain')).curated?.sequence).toBeGreaterThan(0);
  });
});
