import {
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import type { Panel, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './variables.js';

/** One PromQL query of a panel; in a table panel, `legend` names its column. */
export interface Query {
  readonly expr: string;
  readonly legend?: string;
}

/** What a panel shows; the layout (position, id) is the dashboard's. */
export interface PanelSpec {
  readonly kind: 'timeseries' | 'stat' | 'table';
  readonly title: string;
  readonly description: string;
  readonly queries: readonly Query[];
  /** Grafana unit id (`s`, `bytes`, `short`, `ops`, …). */
  readonly unit?: string;
  /** Width in grid columns (24 per line). @defaultValue 12 */
  readonly width?: number;
  readonly mappings?: readonly ValueMapping[];
}

/** A buildable panel at a grid position with a dashboard-unique id. */
export interface PlacedPanel {
  build(): Panel;
}

export interface Placement {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(queries: readonly Query[], instant: boolean): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const target = new DataqueryBuilder()
      .refId(LETTERS[i] ?? `Q${i}`)
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto');
    return instant ? target.instant().format(PromQueryFormat.Table) : target.range();
  });
}

/** Table columns named after the queries' legends (Grafana names them `Value #<refId>`). */
function columnNames(queries: readonly Query[]): Record<string, string> {
  return Object.fromEntries(queries.map((q, i) => [`Value #${LETTERS[i] ?? `Q${i}`}`, q.legend ?? `Value ${i}`]));
}

/** The panel of `spec` at `at`, on the dashboard's datasource variable. */
export function buildPanel(spec: PanelSpec, at: Placement): PlacedPanel {
  const gridPos = { x: at.x, y: at.y, w: at.w, h: at.h };
  const mappings = [...(spec.mappings ?? [])];
  switch (spec.kind) {
    case 'timeseries': {
      const panel = new TimeseriesPanelBuilder()
        .id(at.id)
        .title(spec.title)
        .description(spec.description)
        .datasource(DATASOURCE)
        .gridPos(gridPos)
        .unit(spec.unit ?? 'short')
        .legend(
          new VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(LegendDisplayMode.List)
            .placement(LegendPlacement.Bottom)
            .calcs([]),
        );
      if (mappings.length > 0) panel.mappings(mappings);
      for (const target of targets(spec.queries, false)) panel.withTarget(target);
      return panel;
    }
    case 'stat': {
      const panel = new StatPanelBuilder()
        .id(at.id)
        .title(spec.title)
        .description(spec.description)
        .datasource(DATASOURCE)
        .gridPos(gridPos)
        .unit(spec.unit ?? 'short')
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
      if (mappings.length > 0) panel.mappings(mappings);
      for (const target of targets(spec.queries, false)) panel.withTarget(target);
      return panel;
    }
    case 'table': {
      const panel = new TablePanelBuilder()
        .id(at.id)
        .title(spec.title)
        .description(spec.description)
        .datasource(DATASOURCE)
        .gridPos(gridPos)
        .unit(spec.unit ?? 'short')
        // One row per label set, one column per query.
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation({
          id: 'organize',
          options: { excludeByName: { Time: true }, renameByName: columnNames(spec.queries) },
        });
      if (mappings.length > 0) panel.mappings(mappings);
      for (const target of targets(spec.queries, true)) panel.withTarget(target);
      return panel;
    }
  }
}
