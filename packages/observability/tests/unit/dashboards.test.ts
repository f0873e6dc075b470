import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardPanels, renderDashboards, updateDashboardsDoc } from '../../src/index.js';

const GRAFANA_DIR = resolve(import.meta.dirname, '../../../../observability/grafana');
const REGENERATE = 'node apps/cli/bin/lean-ops.js observability dashboards';
const UPDATE_DOC =
  "npx tsx -e \"import('./packages/observability/src/index.ts').then(async (m) => { const fs = await import('node:fs'); const p = 'docs/observability.md'; fs.writeFileSync(p, m.updateDashboardsDoc(fs.readFileSync(p, 'utf8'))); })\"";

interface Dashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string }[] };
  panels: {
    id: number;
    type: string;
    title: string;
    datasource?: { type: string; uid: string };
    targets?: { refId?: string; expr?: string }[];
  }[];
}

const rendered = renderDashboards();
const dashboards = rendered.map(({ file, json }) => ({ file, dashboard: JSON.parse(json) as Dashboard }));

describe('renderDashboards', () => {
  it('matches the committed observability/grafana/*.json, file for file', () => {
    const committed = readdirSync(GRAFANA_DIR).filter((f) => f.endsWith('.json'));
    expect(committed.sort(), `observability/grafana/ differs from renderDashboards(); run: ${REGENERATE}`).toEqual(
      rendered.map((d) => d.file).sort(),
    );
    for (const { file, json } of rendered) {
      const text = readFileSync(join(GRAFANA_DIR, file), 'utf8');
      expect(
        text === json,
        `observability/grafana/${file} is not what renderDashboards() renders; run: ${REGENERATE}`,
      ).toBe(true);
    }
  });

  it('gives every dashboard a unique uid and title and the datasource, stage and topic variables', () => {
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.dashboard.title)).size).toBe(dashboards.length);
    expect(dashboards.map((d) => d.dashboard.uid)).toEqual([
      'lean-ops-overview',
      'lean-ops-ingest',
      'lean-ops-scheduler',
      'lean-ops-dlq',
      'lean-ops-lake-tables',
    ]);
    for (const { dashboard } of dashboards) {
      const variables = dashboard.templating.list.map((v) => `${v.name}:${v.type}`);
      expect(variables.slice(0, 3)).toEqual(['datasource:datasource', 'stage:query', 'topic:query']);
    }
  });

  it('gives every panel a unique id, the datasource variable and at least one query with a refId', () => {
    for (const { file, dashboard } of dashboards) {
      const panels = dashboardPanels(dashboard) as Dashboard['panels'];
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, `${file}: panel ids ${ids}`).toBe(ids.length);
      for (const panel of panels.filter((p) => p.type !== 'row')) {
        const where = `${file} panel "${panel.title}"`;
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
        expect(panel.datasource, where).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(panel.targets?.length ?? 0, where).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          expect(target.expr, where).toMatch(/\S/);
          expect(target.refId, where).toMatch(/^[A-Z]$/);
        }
        expect(new Set(panel.targets?.map((t) => t.refId)).size, where).toBe(panel.targets?.length);
      }
    }
  });

  it('filters every lean-ops selector by the stage variable', () => {
    for (const { file, dashboard } of dashboards) {
      for (const panel of dashboardPanels(dashboard) as Dashboard['panels']) {
        for (const target of panel.targets ?? []) {
          const selectors = (target.expr ?? '').match(/\b(leanops_\w+|up)(\{[^}]*\})?/g) ?? [];
          for (const s of selectors) expect(s, `${file} panel "${panel.title}"`).toContain('stage=~"$stage"');
        }
      }
    }
  });
});

describe('docs/observability.md', () => {
  it('lists every dashboard panel with its queries as renderDashboards() renders them', () => {
    const path = resolve(import.meta.dirname, '../../../../docs/observability.md');
    const doc = readFileSync(path, 'utf8');
    expect(
      updateDashboardsDoc(doc) === doc,
      `docs/observability.md's panel list is out of date; regenerate it with: ${UPDATE_DOC}`,
    ).toBe(true);
    for (const { dashboard } of dashboards) {
      for (const panel of dashboardPanels(dashboard) as Dashboard['panels'])
        for (const target of panel.targets ?? []) expect(doc).toContain(target.expr?.replace(/\|/g, '\\|'));
    }
  });
});
