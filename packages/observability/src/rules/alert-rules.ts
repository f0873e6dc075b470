import type { Thresholds } from '@lean-ops/config';
import type { AlertRule, RuleGroup, Severity } from './rule-types.js';

/** Every alert name starts with this. */
export const ALERT_PREFIX = 'LeanOps';

/**
 * Where `runbook_url` points: the runbooks folder of the repository (docs/runbooks/<AlertName>.md).
 * A fork or a mirror passes its own with `runbookBaseUrl` (`lean-ops observability rules --runbook-base-url`).
 */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/lean-ops/lean-ops/blob/main/docs/runbooks/';

/**
 * The Prometheus jobs of the three services: the ADOT sidecars scrape as `lean-ops-<service>`
 * (stacks/worker-service.ts) and the self-hosted scrape example uses the same names.
 */
export const SERVICE_JOBS = ['lean-ops-ingest', 'lean-ops-dlq', 'lean-ops-scheduler'] as const;

/**
 * The smallest Fargate task of any stage has 512 MiB (stacks/stage.ts: the DLQ processor and the
 * scheduler in dev); ECS kills a task at its limit, so RSS above 80 % of it warns first.
 */
export const RSS_WARNING_BYTES = Math.round(0.8 * 512 * 1024 * 1024);

/**
 * Event-loop lag p99 that warns: the workers' sink calls and long polls are paced in tens of
 * milliseconds, so half a second means the loop is saturated (CPU-bound or blocked).
 */
export const EVENT_LOOP_LAG_P99_SECONDS = 0.5;

/**
 * Share of received messages dropped (quarantined as DROP) that warns. Bad device payloads are
 * dropped at a low steady rate; 5 % means a producer or a contract change broke many at once.
 */
export const DROP_RATIO = 0.05;

/** Share of received messages left for a retry that warns: the sink is throttled or failing. */
export const RETRY_RATIO = 0.1;

/** Trigger intervals without a successful run before a topic alarms: one miss is a slow Glue start, three is a stall. */
export const MISSED_TRIGGER_INTERVALS = 3;

/** How far ahead the RSS trend is projected: long enough to act in working hours before ECS kills the task. */
const RSS_PROJECTION_SECONDS = 4 * 3600;

/**
 * `for:` of each kind of alert.
 * - gauge: a threshold on a gauge (DLQ age, pending, lag, table readings): 5 min, the period the
 *   CloudWatch alarms evaluate (stacks/alarms.ts), so both fire on the same reading;
 * - event: a counter that moved (drift, missing schema, failed run or maintenance): at once, the
 *   event has happened and `EVENT_WINDOW` keeps it firing;
 * - rate: a drop or retry share: 15 min, so one bad batch of a device does not page;
 * - breaker: the breaker half-opens every few seconds (ingest.breakerHalfOpenAfterMs); 5 min not
 *   closed means the sink is down, not flapping;
 * - down/absent: 5 and 10 min, longer than a rolling deploy replaces a task;
 * - process: 10 min of high RSS or loop lag; 30 min of a rising RSS trend (a trend needs time).
 */
const FOR = {
  gauge: '5m',
  event: '0m',
  rate: '15m',
  breaker: '5m',
  down: '5m',
  absent: '10m',
  process: '10m',
  trend: '30m',
} as const;

/** How long an event alert (a counter that moved) keeps firing after the event. */
const EVENT_WINDOW = '1h';

export interface RuleOptions {
  /** @defaultValue {@link DEFAULT_RUNBOOK_BASE_URL} */
  readonly runbookBaseUrl?: string;
}

/** The config's thresholds the rules use (the same the CloudWatch alarms use). */
export type RuleThresholds = Pick<
  Thresholds,
  | 'dlqMaxAgeSeconds'
  | 'curationPendingRecords'
  | 'semanticLagSeconds'
  | 'triggerIntervalSeconds'
  | 'tableSmallFiles'
  | 'tableDeleteFiles'
  | 'tableSnapshots'
>;

/**
 * `counter`'s share of the received messages per topic over 5 minutes. Written out rather than
 * read from the recording rules: Prometheus and Amazon Managed Prometheus evaluate rule groups
 * independently, so an alert reading another group's recorded series would lag by up to one
 * evaluation (the dashboards read the recorded `topic:…:ratio_rate5m` series).
 */
function receivedShare(counter: string): string {
  return `sum by (stage, topic) (rate(${counter}[5m])) / sum by (stage, topic) (rate(leanops_ingest_messages_received_total[5m]))`;
}

/**
 * A counter moved within `window`, per `by`: its increase, or a series that first appeared within
 * the window (prom-client creates a labelled counter at its first increment, at 1, which
 * `increase()` alone never sees).
 */
function movedWithin(selector: string, by: string, window: string): string {
  return (
    `(sum by (${by}) (increase(${selector}[${window}])) > 0)` +
    ` or (sum by (${by}) (${selector} unless ${selector} offset ${window}) > 0)`
  );
}

export function alertGroups(thresholds: RuleThresholds, options: RuleOptions = {}): RuleGroup<AlertRule>[] {
  const base = options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
  const alert = (
    name: string,
    severity: Severity,
    expr: string,
    forDuration: string,
    summary: string,
    description: string,
  ): AlertRule => {
    const full = `${ALERT_PREFIX}${name}`;
    return {
      alert: full,
      expr,
      for: forDuration,
      labels: { severity },
      annotations: { summary, description, runbook_url: `${base}${full}.md` },
    };
  };
  const t = thresholds;
  const stalled = MISSED_TRIGGER_INTERVALS * t.triggerIntervalSeconds;
  const topic = '{{ $labels.topic }}';
  const table = '{{ $labels.topic }} ({{ $labels.layer }})';
  const process = '{{ $labels.service }} at {{ $labels.instance }}';

  return [
    {
      name: 'lean-ops.pipeline',
      rules: [
        alert(
          'DlqMessageTooOld',
          'warning',
          `max by (stage, topic) (leanops_dlq_oldest_message_age_seconds) > ${t.dlqMaxAgeSeconds}`,
          FOR.gauge,
          `A DLQ message of ${topic} is older than ${t.dlqMaxAgeSeconds} s`,
          `The oldest message in the DLQ of ${topic} is {{ $value | humanizeDuration }} old ` +
            `(thresholds.dlqMaxAgeSeconds: ${t.dlqMaxAgeSeconds} s). Redrive or quarantine it before the DLQ's retention deletes it.`,
        ),
        alert(
          'SchemaDriftDetected',
          'warning',
          movedWithin('leanops_scheduler_drift_entries_total', 'stage, topic', EVENT_WINDOW),
          FOR.event,
          `New undeclared column in ${topic}`,
          `The semantic job of ${topic} logged new drift entries in the last ${EVENT_WINDOW}: curated data has columns ` +
            'the semantic schema does not declare. Review the drift log and register a schema version.',
        ),
        alert(
          'CurationPendingHigh',
          'warning',
          `max by (stage, topic) (leanops_scheduler_curation_pending_records) > ${t.curationPendingRecords}`,
          FOR.gauge,
          `More than ${t.curationPendingRecords} RAW records of ${topic} wait for curation`,
          `{{ $value | humanize }} RAW records of ${topic} are past the curated checkpoint ` +
            `(thresholds.curationPendingRecords: ${t.curationPendingRecords}). Curation does not keep up or does not run.`,
        ),
        alert(
          'SemanticLagHigh',
          'warning',
          `max by (stage, topic) (leanops_scheduler_semantic_lag_seconds) > ${t.semanticLagSeconds}`,
          FOR.gauge,
          `Semantic layer of ${topic} lags curated by more than ${t.semanticLagSeconds} s`,
          `The semantic layer of ${topic} was last caught up with curated {{ $value | humanizeDuration }} ago ` +
            `(thresholds.semanticLagSeconds: ${t.semanticLagSeconds} s).`,
        ),
        alert(
          'MissingSchema',
          'info',
          movedWithin('leanops_scheduler_missing_schema_total', 'stage, topic', EVENT_WINDOW),
          FOR.event,
          `Topic ${topic} has no semantic schema`,
          `Runs of ${topic} found no semantic schema in the last ${EVENT_WINDOW} and ended after curation ` +
            '(CurationOnlySuccess). Register a schema, or leave the topic curation-only on purpose.',
        ),
        alert(
          'TopicNoSuccessfulRun',
          'critical',
          `time() - max by (stage, topic) (leanops_scheduler_last_success_timestamp_seconds) > ${stalled}`,
          FOR.gauge,
          `No successful run of ${topic} for ${MISSED_TRIGGER_INTERVALS} trigger intervals`,
          `The last run of ${topic} that did not fail finished {{ $value | humanizeDuration }} ago; runs are due every ` +
            `${t.triggerIntervalSeconds} s (thresholds.triggerIntervalSeconds × ${MISSED_TRIGGER_INTERVALS} = ${stalled} s).`,
        ),
        alert(
          'PipelineRunFailed',
          'warning',
          movedWithin('leanops_scheduler_runs_total{outcome="Failed"}', 'stage, topic', EVENT_WINDOW),
          FOR.event,
          `A pipeline run of ${topic} failed`,
          `At least one run of ${topic} ended Failed (every attempt used) in the last ${EVENT_WINDOW}. ` +
            'The next trigger starts a new run from the checkpoints.',
        ),
      ],
    },
    {
      name: 'lean-ops.ingest',
      rules: [
        alert(
          'SinkBreakerOpen',
          'critical',
          'max by (stage, sink) (leanops_sink_breaker_state) > 0',
          FOR.breaker,
          'The {{ $labels.sink }} sink circuit breaker is not closing',
          `The circuit breaker of the {{ $labels.sink }} sink has stayed open or half-open for ${FOR.breaker}: ` +
            'ingest holds records and writes nothing to RAW.',
        ),
        alert(
          'IngestDropRateHigh',
          'warning',
          `${receivedShare('leanops_ingest_messages_dropped_total')} > ${DROP_RATIO}`,
          FOR.rate,
          `Ingest drops many messages of ${topic}`,
          `{{ $value | humanizePercentage }} of the messages of ${topic} are quarantined as DROP ` +
            `(more than ${DROP_RATIO * 100} % for ${FOR.rate}).`,
        ),
        alert(
          'IngestRetryRateHigh',
          'warning',
          `${receivedShare('leanops_ingest_messages_retried_total')} > ${RETRY_RATIO}`,
          FOR.rate,
          `Ingest retries many messages of ${topic}`,
          `{{ $value | humanizePercentage }} of the messages of ${topic} are left in the queue for a retry ` +
            `(more than ${RETRY_RATIO * 100} % for ${FOR.rate}): the sink is throttled or failing.`,
        ),
      ],
    },
    {
      name: 'lean-ops.services',
      rules: [
        alert(
          'ServiceDown',
          'critical',
          'up{job=~"lean-ops-.+"} == 0',
          FOR.down,
          '{{ $labels.job }} at {{ $labels.instance }} does not answer scrapes',
          `Prometheus has failed to scrape /metrics of {{ $labels.job }} at {{ $labels.instance }} for ${FOR.down}.`,
        ),
        alert(
          'ServiceAbsent',
          'critical',
          SERVICE_JOBS.map((job) => `absent(up{job="${job}"})`).join(' or '),
          FOR.absent,
          '{{ $labels.job }} has no scrape target',
          `Prometheus has had no target of {{ $labels.job }} for ${FOR.absent}: the service runs no task, or ` +
            'service discovery does not find it.',
        ),
        alert(
          'ProcessMemoryHigh',
          'warning',
          `leanops_process_resident_memory_bytes > ${RSS_WARNING_BYTES}`,
          FOR.process,
          `${process} uses {{ $value | humanize1024 }}B of memory`,
          `The resident memory of ${process} is {{ $value | humanize1024 }}B, above ${RSS_WARNING_BYTES} bytes ` +
            '(80 % of the smallest Fargate task); ECS kills the task at its limit.',
        ),
        alert(
          'ProcessMemoryGrowing',
          'warning',
          `predict_linear(leanops_process_resident_memory_bytes[1h], ${RSS_PROJECTION_SECONDS}) > ${RSS_WARNING_BYTES}`,
          FOR.trend,
          `The memory of ${process} keeps growing`,
          `At the rate of the last hour the resident memory of ${process} passes ${RSS_WARNING_BYTES} bytes within ` +
            `${RSS_PROJECTION_SECONDS / 3600} h.`,
        ),
        alert(
          'EventLoopLagHigh',
          'warning',
          `leanops_nodejs_eventloop_lag_p99_seconds > ${EVENT_LOOP_LAG_P99_SECONDS}`,
          FOR.process,
          `The event loop of ${process} lags`,
          `The event-loop lag p99 of ${process} is {{ $value | humanizeDuration }} (above ${EVENT_LOOP_LAG_P99_SECONDS} s ` +
            `for ${FOR.process}): the process is CPU-bound or blocked.`,
        ),
      ],
    },
    {
      name: 'lean-ops.tables',
      rules: [
        alert(
          'TableSmallFilesHigh',
          'warning',
          `max by (stage, topic, layer) (leanops_table_small_files) > ${t.tableSmallFiles}`,
          FOR.gauge,
          `Table ${table} has many small files`,
          `The ${table} table has {{ $value | humanize }} small data files ` +
            `(thresholds.tableSmallFiles: ${t.tableSmallFiles}): compaction does not keep up.`,
        ),
        alert(
          'TableDeleteFilesHigh',
          'warning',
          `max by (stage, topic, layer) (leanops_table_delete_files) > ${t.tableDeleteFiles}`,
          FOR.gauge,
          `Table ${table} has many delete files`,
          `The ${table} table has {{ $value | humanize }} merge-on-read delete files ` +
            `(thresholds.tableDeleteFiles: ${t.tableDeleteFiles}): compaction does not fold them and every read pays for them.`,
        ),
        alert(
          'TableSnapshotsHigh',
          'warning',
          `max by (stage, topic, layer) (leanops_table_snapshots) > ${t.tableSnapshots}`,
          FOR.gauge,
          `Table ${table} keeps many snapshots`,
          `The ${table} table keeps {{ $value | humanize }} snapshots ` +
            `(thresholds.tableSnapshots: ${t.tableSnapshots}): snapshot expiry does not run.`,
        ),
        alert(
          'TableMaintenanceFailed',
          'warning',
          movedWithin(
            'leanops_scheduler_table_maintenance_total{status="failed"}',
            'stage, topic, layer',
            EVENT_WINDOW,
          ),
          FOR.event,
          `Maintenance of ${table} failed`,
          `A maintenance of ${table} failed in the last ${EVENT_WINDOW} (layer "all": the engine failed).`,
        ),
      ],
    },
  ];
}
