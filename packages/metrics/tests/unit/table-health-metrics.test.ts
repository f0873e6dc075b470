import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TABLE_HEALTH_FIGURES, TABLE_HEALTH_METRICS, type TableHealthFigures } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { createRegistry, createTableHealthGauges, recordTableHealth, TABLE_HEALTH_GAUGES } from '../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const figures = (n: number): TableHealthFigures =>
  Object.fromEntries(TABLE_HEALTH_FIGURES.map((f, i) => [f, n + i])) as TableHealthFigures;

describe('Function: createTableHealthGauges / recordTableHealth', () => {
  it('exports one leanops_table_* gauge per figure, labelled topic and layer', async () => {
    const registry = createRegistry({ collectDefault: false });
    const gauges = createTableHealthGauges(registry);
    recordTableHealth(gauges, [
      { topic: 'telemetry', layer: 'curated', table: 'curated.telemetry', figures: figures(10) },
      { topic: 'telemetry', layer: 'semantic', table: 'semantic.telemetry', figures: null },
    ]);

    const text = await registry.metrics();
    for (const [i, figure] of TABLE_HEALTH_FIGURES.entries()) {
      const name = `leanops_${TABLE_HEALTH_GAUGES[figure].name}`;
      expect(name).toMatch(/^leanops_table_/);
      expect(text).toContain(`${name}{topic="telemetry",layer="curated"} ${10 + i}`);
    }
    expect(text).not.toContain('layer="semantic"');
  });

  it('removes a table’s series once its reading says it does not exist', async () => {
    const registry = createRegistry({ collectDefault: false });
    const gauges = createTableHealthGauges(registry);
    const reading = { topic: 't', layer: 'raw' as const, table: 'raw.t_staging' };
    recordTableHealth(gauges, [{ ...reading, figures: figures(1) }]);
    recordTableHealth(gauges, [{ ...reading, figures: null }]);
    expect(await registry.metrics()).not.toContain('layer="raw"');
  });

  it('names the same figures as the Spark job’s health.py and the CloudWatch metrics', () => {
    const source = readFileSync(resolve(ROOT, 'jobs/glue/lean_ops_jobs/health.py'), 'utf8');
    const tuple = /^HEALTH_FIELDS = \(([^)]*)\)/m.exec(source)?.[1] ?? '';
    expect([...tuple.matchAll(/"([a-z_]+)"/g)].map((m) => m[1])).toEqual([...TABLE_HEALTH_FIGURES]);
    expect(Object.keys(TABLE_HEALTH_METRICS)).toEqual([...TABLE_HEALTH_FIGURES]);
    expect(new Set(Object.values(TABLE_HEALTH_METRICS)).size).toBe(TABLE_HEALTH_FIGURES.length);
  });
});
