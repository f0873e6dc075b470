import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/** A PromQL expression the real parser (the one Prometheus's UI uses) rejects. */
export class PromqlSyntaxError extends Error {
  override name = 'PromqlSyntaxError';
  constructor(
    readonly expr: string,
    readonly position: number,
  ) {
    super(`PromQL syntax error at character ${position}: ${expr.slice(0, position)} ⟨here⟩ ${expr.slice(position)}`);
  }
}

/** One vector selector: its metric name and the label names its matchers use. */
export interface SelectorUse {
  /** Undefined for a selector without a fixed name (`{__name__=~"…"}`), which no scrape can vouch for. */
  readonly metric: string | undefined;
  readonly matcherLabels: readonly string[];
}

/** Label names a clause uses (`by`, `without`, `on`, `ignoring`, `group_left`, `group_right`, a label function's sources). */
export interface GroupingUse {
  readonly clause: string;
  readonly labels: readonly string[];
  /** The metrics of the selectors the clause applies to: each label must be on one of them. */
  readonly metrics: readonly string[];
  /** Labels that `label_replace`/`label_join` create under the clause (not expected in any scrape). */
  readonly created: readonly string[];
}

export interface ExprAnalysis {
  readonly selectors: readonly SelectorUse[];
  readonly groupings: readonly GroupingUse[];
}

const unquote = (literal: string): string => {
  const quote = literal[0];
  if (quote === '`') return literal.slice(1, -1);
  return JSON.parse(quote === "'" ? `"${literal.slice(1, -1).replace(/"/g, '\\"')}"` : literal) as string;
};

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function descendants(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const walk = (n: SyntaxNode) => {
    for (const c of children(n)) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/**
 * Every vector selector of `expr` with its matcher labels, and every clause that names labels
 * with the metrics it applies to, read from the syntax tree of `@prometheus-io/lezer-promql`.
 * Throws `PromqlSyntaxError` when the expression does not parse.
 */
export function analyzePromql(expr: string): ExprAnalysis {
  const tree = parser.parse(expr);
  let error: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && error === undefined) error = n.from;
    },
  });
  if (error !== undefined) throw new PromqlSyntaxError(expr, error);
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);

  const selectorOf = (node: SyntaxNode): SelectorUse => {
    let metric: string | undefined;
    const labels: string[] = [];
    for (const c of children(node)) {
      if (c.name === 'Identifier') metric = text(c);
      if (c.name !== 'LabelMatchers') continue;
      for (const m of children(c)) {
        const parts = children(m);
        const nameNode = parts.find((p) => p.name === 'LabelName' || p.name === 'QuotedLabelName');
        if (!nameNode) continue;
        const name = nameNode.name === 'QuotedLabelName' ? unquote(text(nameNode)) : text(nameNode);
        const op = parts.find((p) => p.name === 'MatchOp');
        const value = parts.find((p) => p.name === 'StringLiteral');
        // `{"metric"}` (a quoted name alone) and `{__name__="metric"}` name the metric.
        if (m.name === 'QuotedLabelName' || (name === '__name__' && op && text(op) === '=' && value)) {
          metric = m.name === 'QuotedLabelName' ? name : unquote(text(value as SyntaxNode));
          continue;
        }
        if (name !== '__name__') labels.push(name);
      }
    }
    return { metric, matcherLabels: labels };
  };

  const metricsUnder = (node: SyntaxNode): string[] => [
    ...new Set(
      descendants(node, 'VectorSelector')
        .map((s) => selectorOf(s).metric)
        .filter((m): m is string => m !== undefined),
    ),
  ];
  const createdUnder = (node: SyntaxNode): string[] =>
    [node, ...descendants(node, 'FunctionCall')].flatMap((call) => labelFunction(call)?.created ?? []);

  const labelFunction = (call: SyntaxNode): { created: string[]; sources: string[] } | undefined => {
    if (call.name !== 'FunctionCall') return undefined;
    const fn = children(call).find((c) => c.name === 'FunctionIdentifier');
    const body = children(call).find((c) => c.name === 'FunctionCallBody');
    if (!fn || !body) return undefined;
    const strings = children(body)
      .filter((c) => c.name === 'StringLiteral')
      .map((c) => unquote(text(c)));
    if (text(fn) === 'label_replace') return { created: strings.slice(0, 1), sources: strings.slice(2, 3) };
    if (text(fn) === 'label_join') return { created: strings.slice(0, 1), sources: strings.slice(2) };
    return undefined;
  };

  const groupings: GroupingUse[] = [];
  const labelsOf = (grouping: SyntaxNode | undefined) =>
    grouping
      ? children(grouping)
          .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
          .map((c) => (c.name === 'QuotedLabelName' ? unquote(text(c)) : text(c)))
      : [];
  const clauses = (scope: SyntaxNode, modifier: SyntaxNode) => {
    let clause: string | undefined;
    for (const c of children(modifier)) {
      if (c.name === 'GroupingLabels') {
        const labels = labelsOf(c);
        if (clause && labels.length > 0)
          groupings.push({ clause, labels, metrics: metricsUnder(scope), created: createdUnder(scope) });
      } else clause = text(c).toLowerCase();
    }
  };
  const walk = (node: SyntaxNode) => {
    if (node.name === 'AggregateExpr') {
      const modifier = children(node).find((c) => c.name === 'AggregateModifier');
      if (modifier) clauses(node, modifier);
    }
    if (node.name === 'BinaryExpr') {
      const modifier = children(node).find((c) => c.name === 'MatchingModifierClause');
      if (modifier) clauses(node, modifier);
    }
    const fn = labelFunction(node);
    if (fn && fn.sources.length > 0)
      groupings.push({
        clause: 'label function source',
        labels: fn.sources,
        metrics: metricsUnder(node),
        created: createdUnder(children(node).find((c) => c.name === 'FunctionCallBody') ?? node),
      });
    for (const c of children(node)) walk(c);
  };
  walk(tree.topNode);
  return { selectors: descendants(tree.topNode, 'VectorSelector').map(selectorOf), groupings };
}
