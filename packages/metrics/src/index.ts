export { type BaseMetrics, createBaseMetrics } from './base-metrics.js';
export {
  type MetricsServer,
  type MetricsServerOptions,
  type ReadinessCheck,
  startMetricsServer,
} from './metrics-server.js';
export {
  type Counter,
  type CreateRegistryOptions,
  counter,
  createRegistry,
  type Gauge,
  gauge,
  type Histogram,
  histogram,
  type MetricSpec,
  type Registry,
} from './registry.js';
export {
  createTableHealthGauges,
  recordTableHealth,
  TABLE_HEALTH_GAUGES,
  type TableHealthGauges,
} from './table-health-metrics.js';
