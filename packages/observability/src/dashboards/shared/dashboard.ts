import type { QueryVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildPanel, type PanelSpec } from './panels.js';
import { datasourceVariable, stageVariable, topicVariable } from './variables.js';

export interface Section {
  readonly row: string;
  readonly panels: readonly PanelSpec[];
}

export interface DashboardSpec {
  /** Stable: links and provisioning find the dashboard by it. */
  readonly uid: string;
  /** File name under observability/grafana/ (without `.json`). */
  readonly file: string;
  readonly title: string;
  readonly description: string;
  /** Extra variables after datasource, stage and topic. */
  readonly variables?: readonly QueryVariableBuilder[];
  readonly sections: readonly Section[];
}

const PANEL_HEIGHT = 8;
const COLUMNS = 24;

/** The Grafana dashboard model of `spec`: rows in order, panels laid left to right, ids in order. */
export function buildDashboard(spec: DashboardSpec): object {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['lean-ops'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .withVariable(datasourceVariable())
    .withVariable(stageVariable())
    .withVariable(topicVariable());
  for (const variable of spec.variables ?? []) builder.withVariable(variable);
  let id = 0;
  let y = 0;
  for (const section of spec.sections) {
    id += 1;
    builder.withRow(new RowBuilder(section.row).id(id).gridPos({ x: 0, y, w: COLUMNS, h: 1 }));
    y += 1;
    let x = 0;
    for (const panel of section.panels) {
      const w = panel.width ?? 12;
      if (x + w > COLUMNS) {
        x = 0;
        y += PANEL_HEIGHT;
      }
      id += 1;
      builder.withPanel(buildPanel(panel, { id, x, y, w, h: PANEL_HEIGHT }));
      x += w;
    }
    y += PANEL_HEIGHT;
  }
  return builder.build();
}
