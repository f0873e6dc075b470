export {
  ALERT_PREFIX,
  alertGroups,
  DEFAULT_RUNBOOK_BASE_URL,
  DROP_RATIO,
  EVENT_LOOP_LAG_P99_SECONDS,
  MISSED_TRIGGER_INTERVALS,
  RETRY_RATIO,
  RSS_WARNING_BYTES,
  type RuleOptions,
  type RuleThresholds,
  SERVICE_JOBS,
} from './alert-rules.js';
export { DROPPED_RATIO, RETRIED_RATIO, recordingGroups } from './recording-rules.js';
export { alertRules, leanOpsRules, REGENERATE_RULES_COMMAND, RULES_FILE, renderRules } from './render-rules.js';
export type { AlertRule, LeanOpsRules, RecordingRule, RuleGroup, Severity } from './rule-types.js';
export { SEVERITIES } from './rule-types.js';
