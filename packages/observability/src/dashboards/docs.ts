import { DASHBOARDS } from './dashboard-list.js';
import { buildDashboard } from './shared/dashboard.js';

/** The generated part of docs/observability.md's dashboards section lies between these lines. */
export const DASHBOARDS_DOC_BEGIN = '<!-- dashboards-panels: generated from renderDashboards(), do not edit -->';
export const DASHBOARDS_DOC_END = '<!-- dashboards-panels: end -->';

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string; readonly legendFormat?: string }[];
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** Each dashboard, its rows and panels with their queries, as Markdown. */
export function dashboardsMarkdown(): string {
  const out: string[] = [];
  for (const spec of DASHBOARDS) {
    const dashboard = buildDashboard(spec) as { panels: readonly Panel[] };
    out.push(
      `#### ${spec.title}`,
      '',
      `\`observability/grafana/${spec.file}.json\`, uid \`${spec.uid}\`. ${spec.description}`,
      '',
      '| row | panel | query |',
      '| --- | --- | --- |',
    );
    let row = '';
    for (const panel of dashboard.panels) {
      if (panel.type === 'row') {
        row = panel.title;
        continue;
      }
      const queries = (panel.targets ?? []).map((t) => `\`${cell(t.expr)}\``).join('<br>');
      out.push(`| ${cell(row)} | ${cell(panel.title)} | ${queries} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** `doc` with its generated dashboards block replaced by the current one. */
export function updateDashboardsDoc(doc: string): string {
  const begin = doc.indexOf(DASHBOARDS_DOC_BEGIN);
  const end = doc.indexOf(DASHBOARDS_DOC_END);
  if (begin < 0 || end < begin)
    throw new Error(`docs/observability.md: the lines ${DASHBOARDS_DOC_BEGIN} and ${DASHBOARDS_DOC_END} are missing`);
  return `${doc.slice(0, begin + DASHBOARDS_DOC_BEGIN.length)}\n\n${dashboardsMarkdown()}\n${doc.slice(end)}`;
}
