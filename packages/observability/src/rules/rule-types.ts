/** How urgent an alert is: critical pages someone, warning wants a look today, info is a notice. */
export type Severity = 'critical' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** One Prometheus alerting rule, as it appears in the rule file. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the expression must hold before the alert fires (`0m`: at once). */
  readonly for: string;
  readonly labels: { readonly severity: Severity };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

/** One Prometheus recording rule, named `level:metric:operations`. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface RuleGroup<R> {
  readonly name: string;
  readonly rules: readonly R[];
}

/** The rule file: recording groups first (alerts read their series), then the alert groups. */
export interface LeanOpsRules {
  readonly recording: readonly RuleGroup<RecordingRule>[];
  readonly alerting: readonly RuleGroup<AlertRule>[];
}
