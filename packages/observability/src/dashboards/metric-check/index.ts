export {
  checkExpressions,
  type ExpressionSource,
  type MetricCatalog,
  metricCatalog,
  PROMETHEUS_SERIES,
  type RecordedSeries,
  TARGET_LABELS,
} from './check-expressions.js';
export { parseExposition, type ScrapedMetrics } from './exposition.js';
export {
  analyzePromql,
  type ExprAnalysis,
  type GroupingUse,
  PromqlSyntaxError,
  type SelectorUse,
} from './promql-selectors.js';
export { dashboardExpressions, dashboardPanels, ruleExpressions, substituteVariables } from './sources.js';
