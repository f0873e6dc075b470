import { DASHBOARDS } from './dashboard-list.js';
import { buildDashboard } from './shared/dashboard.js';
import { jsonText } from './shared/json-text.js';

/** One generated dashboard: its file name under observability/grafana/ and its JSON text. */
export interface RenderedDashboard {
  readonly file: string;
  readonly json: string;
}

/** Every dashboard, rendered as the JSON Grafana imports (`observability/grafana/<file>`). */
export function renderDashboards(): readonly RenderedDashboard[] {
  return DASHBOARDS.map((spec) => ({
    file: `${spec.file}.json`,
    json: jsonText(buildDashboard(spec)),
  }));
}

export { DASHBOARDS } from './dashboard-list.js';
export { DASHBOARDS_DOC_BEGIN, DASHBOARDS_DOC_END, dashboardsMarkdown, updateDashboardsDoc } from './docs.js';
export * from './metric-check/index.js';
