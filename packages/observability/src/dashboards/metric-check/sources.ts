import { parse } from 'yaml';
import type { ExpressionSource, RecordedSeries } from './check-expressions.js';

/** Grafana's built-in interval variables, replaced by a valid duration before parsing. */
const BUILTIN_DURATIONS: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
};

/**
 * `expr` with Grafana's variables replaced: built-in durations by a duration, the dashboard's
 * own variables (`$topic`, `${stage}`) by `.*` (they stand in regex matchers). Anything else
 * that starts with `$` stays and fails the parse.
 */
export function substituteVariables(expr: string, variables: readonly string[]): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const duration = BUILTIN_DURATIONS[name];
    if (duration !== undefined) return duration;
    return variables.includes(name) ? '.*' : whole;
  });
}

interface DashboardJson {
  readonly title?: string;
  readonly templating?: { readonly list?: readonly { readonly name: string; readonly definition?: string }[] };
  readonly panels?: readonly PanelJson[];
}
interface PanelJson {
  readonly title?: string;
  readonly type?: string;
  readonly targets?: readonly { readonly refId?: string; readonly expr?: string }[];
  readonly panels?: readonly PanelJson[];
}

/** Every panel of a dashboard, those inside collapsed rows included. */
export function dashboardPanels(dashboard: DashboardJson): PanelJson[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/**
 * Every PromQL expression of a dashboard with its variables substituted: each panel target,
 * and each `label_values(selector, label)` variable as `count by (label) (selector)`.
 */
export function dashboardExpressions(file: string, dashboard: DashboardJson): ExpressionSource[] {
  const variables = (dashboard.templating?.list ?? []).map((v) => v.name);
  const out: ExpressionSource[] = [];
  for (const v of dashboard.templating?.list ?? []) {
    const labelValues = /^label_values\((.+),\s*(\w+)\)$/.exec(v.definition ?? '');
    if (labelValues)
      out.push({
        where: `${file} variable ${v.name}`,
        expr: substituteVariables(`count by (${labelValues[2]}) (${labelValues[1]})`, variables),
      });
  }
  for (const panel of dashboardPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      if (target.expr === undefined) continue;
      out.push({
        where: `${file} panel "${panel.title}" (${target.refId})`,
        expr: substituteVariables(target.expr, variables),
      });
    }
  }
  return out;
}

interface RuleFile {
  readonly groups?: readonly {
    readonly name?: string;
    readonly rules?: readonly {
      readonly alert?: string;
      readonly record?: string;
      readonly expr?: string;
      readonly labels?: Record<string, string>;
    }[];
  }[];
}

/** The expressions and recording rules of a Prometheus rule file (YAML text). */
export function ruleExpressions(
  file: string,
  yamlText: string,
): { expressions: ExpressionSource[]; recordings: RecordedSeries[] } {
  const doc = (parse(yamlText) ?? {}) as RuleFile;
  const expressions: ExpressionSource[] = [];
  const recordings: RecordedSeries[] = [];
  for (const group of doc.groups ?? []) {
    for (const rule of group.rules ?? []) {
      if (rule.expr === undefined) continue;
      const name = rule.alert ?? rule.record ?? '(unnamed)';
      expressions.push({ where: `${file} group ${group.name} rule ${name}`, expr: String(rule.expr) });
      if (rule.record) recordings.push({ record: rule.record, expr: String(rule.expr), labels: rule.labels });
    }
  }
  return { expressions, recordings };
}
