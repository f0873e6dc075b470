import type { RecordingRule, RuleGroup } from './rule-types.js';

/** Ingest's DROP share per topic (the drop-rate alert computes the same share itself). */
export const DROPPED_RATIO = 'stage_topic:leanops_ingest_messages_dropped:ratio_rate5m';
/** Ingest's RETRY share per topic. */
export const RETRIED_RATIO = 'stage_topic:leanops_ingest_messages_retried:ratio_rate5m';

const RECEIVED = 'stage_topic:leanops_ingest_messages_received:rate5m';
const DROPPED = 'stage_topic:leanops_ingest_messages_dropped:rate5m';
const RETRIED = 'stage_topic:leanops_ingest_messages_retried:rate5m';

/**
 * Recording rules (`level:metric:operations`): per-topic rates and quantiles for the dashboards
 * and ad-hoc queries, computed once per evaluation. Within a group Prometheus evaluates the
 * rules in order, so a ratio reads the rates recorded just before it in the same group.
 */
export function recordingGroups(): RuleGroup<RecordingRule>[] {
  return [
    {
      name: 'lean-ops.ingest.recording',
      rules: [
        { record: RECEIVED, expr: 'sum by (stage, topic) (rate(leanops_ingest_messages_received_total[5m]))' },
        { record: DROPPED, expr: 'sum by (stage, topic) (rate(leanops_ingest_messages_dropped_total[5m]))' },
        { record: RETRIED, expr: 'sum by (stage, topic) (rate(leanops_ingest_messages_retried_total[5m]))' },
        {
          record: 'stage_topic_reason:leanops_ingest_messages_dropped:rate5m',
          expr: 'sum by (stage, topic, reason) (rate(leanops_ingest_messages_dropped_total[5m]))',
        },
        { record: DROPPED_RATIO, expr: `${DROPPED} / ${RECEIVED}` },
        { record: RETRIED_RATIO, expr: `${RETRIED} / ${RECEIVED}` },
        {
          record: 'stage_sink_topic:leanops_sink_records_written:rate5m',
          expr: 'sum by (stage, sink, topic) (rate(leanops_sink_records_written_total[5m]))',
        },
        {
          record: 'stage_sink:leanops_sink_put_duration_seconds:p99_rate5m',
          expr: 'histogram_quantile(0.99, sum by (stage, sink, le) (rate(leanops_sink_put_duration_seconds_bucket[5m])))',
        },
      ],
    },
    {
      name: 'lean-ops.dlq.recording',
      rules: [
        {
          record: 'stage_topic:leanops_dlq_messages_received:rate5m',
          expr: 'sum by (stage, topic) (rate(leanops_dlq_messages_received_total[5m]))',
        },
        {
          record: 'stage_topic:leanops_dlq_messages_redriven:rate5m',
          expr: 'sum by (stage, topic) (rate(leanops_dlq_messages_redriven_total[5m]))',
        },
        {
          record: 'stage_topic:leanops_dlq_messages_quarantined:rate5m',
          expr: 'sum by (stage, topic) (rate(leanops_dlq_messages_quarantined_total[5m]))',
        },
      ],
    },
    {
      name: 'lean-ops.scheduler.recording',
      rules: [
        {
          record: 'stage_topic_outcome:leanops_scheduler_runs:increase1h',
          expr: 'sum by (stage, topic, outcome) (increase(leanops_scheduler_runs_total[1h]))',
        },
        {
          record: 'stage_topic_layer:leanops_scheduler_records_written:rate5m',
          expr: 'sum by (stage, topic, layer) (rate(leanops_scheduler_records_written_total[5m]))',
        },
        {
          record: 'stage_step:leanops_scheduler_step_duration_seconds:p95_rate1h',
          expr: 'histogram_quantile(0.95, sum by (stage, step, le) (rate(leanops_scheduler_step_duration_seconds_bucket[1h])))',
        },
      ],
    },
  ];
}
