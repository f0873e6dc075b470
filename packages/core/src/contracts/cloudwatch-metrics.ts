/**
 * The CloudWatch metrics the scheduler publishes (dimension `Topic`) and the alarms in
 * stacks/ watch: one definition for both sides.
 */
export const DEFAULT_METRIC_NAMESPACE = 'LeanOps';

/** The dimension every pipeline metric carries. */
export const TOPIC_DIMENSION = 'Topic';

export const PIPELINE_METRICS = {
  /** A run found no semantic schema for its topic (1 per run). */
  missingSchema: 'MissingSchema',
  /** New undeclared columns found by the semantic job (their number). */
  driftDetected: 'DriftDetected',
  /** RAW records not yet curated (gauge). */
  curationPendingRecords: 'CurationPendingRecords',
  /** Age of the newest curated data the semantic layer has not read (gauge, seconds). */
  semanticLagSeconds: 'SemanticLagSeconds',
} as const;
