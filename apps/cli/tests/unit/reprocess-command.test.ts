import type { RunReport } from '@lean-ops/worker-scheduler';
import { describe, expect, it } from 'vitest';
import { describe as describeReport, requestOf } from '../../src/commands/reprocess-command.js';

const flags = (over: Record<string, unknown> = {}) => ({
  topic: 'sensors',
  layer: 'curated',
  timeout: '60',
  stage: 'prod',
  ...over,
});

describe('lean-ops reprocess: flags', () => {
  it('makes a request of the flags', () => {
    const request = requestOf(flags({ fromSnapshot: ' 41 ', dryRun: true }), ['sensors']);
    expect(request).toMatchObject({ topic: 'sensors', layer: 'curated', from_snapshot: '41', dry_run: true });
    expect(request.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestOf(flags({ full: true, layer: 'semantic' }), ['sensors'])).toMatchObject({
      layer: 'semantic',
      from_snapshot: null,
      dry_run: false,
    });
  });

  it('names every bad flag', () => {
    expect(() => requestOf(flags({ topic: 'nosuch', layer: 'gold' }), ['sensors'])).toThrow(
      /--topic: "nosuch" is not a configured topic \(sensors\)[\s\S]*--layer: expected one of curated, semantic \(got "gold"\)[\s\S]*--full or --from-snapshot <id>: one of them is required/,
    );
    expect(() => requestOf(flags({ full: true, fromSnapshot: '4' }), ['sensors'])).toThrow(
      /--full, --from-snapshot: give one of them, not both/,
    );
  });
});

describe('lean-ops reprocess: the report', () => {
  const request = {
    id: 'r1',
    topic: 'sensors',
    layer: 'curated' as const,
    from_snapshot: null,
    dry_run: true,
    requested_at: '2026-12-04T00:00:00.000Z',
  };
  const planned: RunReport = {
    topic: 'sensors',
    trigger: 'reprocess',
    outcome: 'ReprocessPlanned',
    started_at: '2026-12-04T00:00:00.000Z',
    finished_at: '2026-12-04T00:00:01.000Z',
    timings: { PlanReprocess: 12 },
    reprocess: {
      request,
      plan: {
        from: null,
        to: { id: '77', sequence: 77 },
        source: { layer: 'raw', figures: { records: 86_400_000, snapshots: 412, bytes: 9_663_676_416 } },
        scope_records: null,
        rebuilds: [
          { layer: 'curated', figures: { records: 1_200_000, snapshots: 388, bytes: null } },
          { layer: 'semantic', figures: null },
        ],
      },
    },
  };

  it('prints the plan and prices the Glue runs on the stage sizing', () => {
    const text = describeReport(planned, 'glue', 'prod');
    expect(text).toMatch(/^sensors: ReprocessPlanned$/m);
    expect(text).toMatch(/^plan: rebuild curated then semantic from raw snapshots \(start → 77\]$/m);
    expect(text).toMatch(/^ {2}reads raw: 86,400,000 records in 412 snapshots, 9216\.0 MiB$/m);
    expect(text).toMatch(/^ {2}rewrites semantic: no table yet now$/m);
    expect(text).toMatch(
      /^ {2}Glue on stage prod \(\d+ × G\.\dX (STANDARD|FLEX)\): curation ~\d+ s, semantic ~\d+ s, ≈ \$\d+\.\d{3}$/m,
    );
    // A bigger source costs more: the estimate follows the rows read.
    const price = (t: string) => Number(/≈ \$(\d+\.\d+)/.exec(t)?.[1]);
    const bigger = structuredClone(planned);
    const source = bigger.reprocess?.plan?.source.figures;
    if (!source) throw new Error('fixture');
    (source as { records: number }).records *= 10;
    expect(price(describeReport(bigger, 'glue', 'prod'))).toBeGreaterThan(price(text));
    expect(describeReport(planned, 'local', 'dev')).toMatch(/local engine: no Glue cost here\)$/m);
  });

  it('prints a failure with its step', () => {
    const failed: RunReport = {
      ...planned,
      outcome: 'Failed',
      failed_step: 'PlanReprocess',
      error: { name: 'ReprocessPlanError', message: 'no semantic schema registered' },
      reprocess: { request },
    };
    expect(describeReport(failed, 'local', 'prod')).toBe(
      'sensors: Failed\nfailed at PlanReprocess: no semantic schema registered',
    );
  });
});
