import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import type { QuarantineEntry } from '@lean-ops/core';
import { readServiceEnvironment } from '@lean-ops/queue-worker';
import { silentLogger } from '@lean-ops/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { DLQ, type RunningDlqService, startDlqService } from '../../src/index.js';
import { type DlqHarness, readRows, startDlqHarness, waitFor } from '../helpers/dlq-harness.js';

describe('Function: startDlqService wired from the environment', () => {
  let h: DlqHarness | undefined;
  let service: RunningDlqService | undefined;
  afterEach(async () => {
    await service?.close();
    await h?.stop();
    h = undefined;
    service = undefined;
  });

  function deployment(topics: string) {
    const dataDir = mkdtempSync(join(tmpdir(), 'dlq-svc-'));
    const vars = {
      LEAN_OPS_TOPICS: topics,
      LEAN_OPS_DATA_DIR: dataDir,
      LEAN_OPS_SQS_ENDPOINT: h?.endpoint,
      LEAN_OPS_DLQ_MAX_ATTEMPTS: '2',
      LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS: '0',
      LEAN_OPS_DLQ_METRICS_PORT: '0',
    };
    return {
      dataDir,
      config: loadConfig({ env: vars, cwd: dataDir }),
      env: readServiceEnvironment(DLQ, vars),
    };
  }

  it('processes every topic DLQ into the local quarantine and serves its metrics; close() is idempotent', async () => {
    h = await startDlqHarness();
    await h.send(['{"topic":']);
    await h.driveToDlq(1);
    const { config, env, dataDir } = deployment('telemetry');
    expect(config.dlq).toMatchObject({ maxAttempts: 2, backoffBaseSeconds: 0, metricsPort: 0 });
    service = await startDlqService(config, env, silentLogger(), 'test');
    expect(service.service.options.maxAttempts).toBe(2);
    await waitFor('1 quarantined', async () => {
      const rows = await readRows<QuarantineEntry>(join(dataDir, 'quarantine'));
      return rows.length === 1 && rows[0]?.reason === 'dlq:invalid_json';
    });
    const metrics = await (await fetch(`${service.metrics.url}/metrics`)).text();
    expect(metrics).toMatch(/leanops_build_info\{version="test",service="dlq"/);
    expect(metrics).toMatch(
      /leanops_dlq_messages_quarantined_total\{topic="telemetry",reason="invalid_json",service="dlq"\} 1/,
    );
    expect((await fetch(`${service.metrics.url}/readyz`)).status).toBe(200);
    const first = service.close();
    expect(service.close()).toBe(first);
    expect((await first).drained).toBe(true);
  });

  it('refuses to start naming a missing DLQ', async () => {
    h = await startDlqHarness();
    const { config, env } = deployment('telemetry,orders');
    await expect(startDlqService(config, env, silentLogger(), 'test')).rejects.toThrow(
      /orders-dlq: queue does not exist/,
    );
  });

  it('names a bad LEAN_OPS_DLQ_* variable', () => {
    expect(() =>
      loadConfig({ env: { LEAN_OPS_TOPICS: 't', LEAN_OPS_DLQ_MAX_ATTEMPTS: 'many' }, cwd: tmpdir() }),
    ).toThrow(/LEAN_OPS_DLQ_MAX_ATTEMPTS \(dlq\.maxAttempts: /);
  });
});
