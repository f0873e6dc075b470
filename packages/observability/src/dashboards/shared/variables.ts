import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** Every panel and query variable reads the datasource the `datasource` variable picks. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/**
 * "All" matches any value, and also a series without the label: a Prometheus that scrapes
 * one stage without a `stage` target label still fills every panel.
 */
const ALL = '.*';

/** The Prometheus (or Amazon Managed Prometheus) datasource; one per stage with AMP's workspace per stage. */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource').label('Datasource').type('prometheus');
}

/** A multi-value variable over a label's values, "All" by default. */
function labelVariable(name: string, label: string, source: string): QueryVariableBuilder {
  const definition = `label_values(${source}, ${name})`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query({ qryType: 1, query: definition, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(definition)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(ALL)
    .current({ text: 'All', value: '$__all' });
}

/** `stage`: the target label the scrape configuration adds (docs/observability.md). */
export function stageVariable(): QueryVariableBuilder {
  return labelVariable('stage', 'Stage', 'leanops_build_info');
}

/** `topic`: the topics whose queue the ingest worker samples. */
export function topicVariable(): QueryVariableBuilder {
  return labelVariable('topic', 'Topic', 'leanops_ingest_queue_messages{stage=~"$stage"}');
}

/** `layer`: the lake layers with health gauges. */
export function layerVariable(): QueryVariableBuilder {
  return labelVariable('layer', 'Layer', 'leanops_table_data_files{stage=~"$stage"}');
}
