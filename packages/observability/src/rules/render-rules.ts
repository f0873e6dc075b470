import { Document } from 'yaml';
import { alertGroups, type RuleOptions, type RuleThresholds } from './alert-rules.js';
import { recordingGroups } from './recording-rules.js';
import type { AlertRule, LeanOpsRules } from './rule-types.js';

/** The committed rule file (default thresholds), relative to the repository root. */
export const RULES_FILE = 'observability/prometheus/lean-ops.rules.yml';

/** What regenerates {@link RULES_FILE}, run at the repository root. */
export const REGENERATE_RULES_COMMAND = `node apps/cli/bin/lean-ops.js observability rules --out ${RULES_FILE}`;

/** Every recording and alerting rule for these thresholds. */
export function leanOpsRules(thresholds: RuleThresholds, options: RuleOptions = {}): LeanOpsRules {
  return { recording: recordingGroups(), alerting: alertGroups(thresholds, options) };
}

/** Every alert, in file order. */
export function alertRules(thresholds: RuleThresholds, options: RuleOptions = {}): AlertRule[] {
  return alertGroups(thresholds, options).flatMap((group) => group.rules);
}

/**
 * The Prometheus rule file (`rule_files:`, `promtool check rules`, an AMP rule groups namespace)
 * for the config's thresholds, as YAML text.
 */
export function renderRules(thresholds: RuleThresholds, options: RuleOptions = {}): string {
  const rules = leanOpsRules(thresholds, options);
  const doc = new Document({ groups: [...rules.recording, ...rules.alerting] });
  doc.commentBefore =
    ' lean-ops alerting and recording rules, generated from the config thresholds\n' +
    ' (packages/observability/src/rules; docs/observability.md). Do not edit: regenerate with\n' +
    `   ${REGENERATE_RULES_COMMAND} [--config FILE]`;
  // lineWidth 0: expressions and annotations stay on one line each, as written.
  return doc.toString({ lineWidth: 0 });
}
