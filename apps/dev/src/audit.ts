import type { QuarantineEntry } from '@lean-ops/core';
import type { DuckDbLake } from '@lean-ops/lake';
import { readJsonlTree } from '@lean-ops/local';
import { readLedger, type SentLedgerEntry } from '@lean-ops/simulator';

/** Where one sent message ended up. */
export type Fate = 'raw' | 'quarantined' | 'dlq' | 'pending' | 'unaccounted';

export interface TopicAudit {
  readonly topic: string;
  /** Accepted by the topic's queue. */
  readonly sent: number;
  /** Never reached the queue (SQS refused it, or it could not be sent): must be 0. */
  readonly not_sent: number;
  readonly expected_raw: number;
  readonly expected_drop: number;
  readonly in_raw: number;
  readonly quarantined: number;
  /** Still in the topic's DLQ (or its queue) when the audit ran. */
  readonly in_dlq: number;
  readonly pending: number;
  /** Sent, and found nowhere: must be 0. */
  readonly unaccounted: number;
  /** Found, but not where the contract says (e.g. a valid message quarantined as a DROP). */
  readonly misclassified: number;
  readonly raw_rows: number;
  readonly curated_rows: number;
  readonly curated_rejects: number;
  readonly semantic_rows: number;
  readonly semantic_rejects: number;
}

/** A ledger line that was not sent, as the audit shows it. */
export interface NotSentExample {
  readonly run_id: string;
  /** The message's number in its run (a replay: its input line). */
  readonly seq: number;
  readonly queue: string;
  readonly code: string;
  readonly message: string;
}

export interface AuditReport {
  /** The runs the ledger holds, oldest first: the audit covers all of them. */
  readonly runs: readonly string[];
  readonly topics: readonly TopicAudit[];
  readonly totals: Omit<TopicAudit, 'topic'>;
  /** Up to 20 of each problem (message ids; for not sent, the line and its error), to start an investigation. */
  readonly examples: {
    readonly unaccounted: readonly string[];
    readonly misclassified: readonly string[];
    readonly not_sent: readonly NotSentExample[];
  };
}

export interface AuditInput {
  readonly ledgerPath: string;
  readonly lake: DuckDbLake;
  readonly quarantineDir: string;
  readonly topics: readonly string[];
  /** Queue name of topic T is `<queuePrefix>T`. @defaultValue "" */
  readonly queuePrefix?: string;
  /** Source message ids still in a DLQ, and still in a topic queue. */
  readonly inDlq?: ReadonlySet<string>;
  readonly pending?: ReadonlySet<string>;
}

const EXAMPLES = 20;

/**
 * Reconciles everything the simulator (or an input replay) sent, per its ledger (every
 * run's lines), with where the pipeline put it: RAW (by source message id), quarantine
 * (ingest DROPs and the DLQ processor's decisions), a DLQ, or still queued. What could not
 * be sent is counted as `not_sent`. `auditPassed` says whether the result is green.
 */
export async function auditPipeline(input: AuditInput): Promise<AuditReport> {
  const raw = new Set<string>();
  for (const topic of input.topics) {
    await input.lake.ensureTopic(topic);
    const rows = await input.lake.query<{ id: string }>(
      `SELECT DISTINCT source_message_id AS id FROM raw."${topic}_staging"`,
    );
    for (const r of rows) raw.add(r.id);
  }
  const quarantine = new Map<string, string>();
  for await (const entry of readJsonlTree<QuarantineEntry>(input.quarantineDir)) {
    quarantine.set(entry.source_message_id, entry.reason);
  }
  const prefix = input.queuePrefix ?? '';
  const tallies = new Map<string, Mutable<TopicAudit>>();
  const examples = { unaccounted: [] as string[], misclassified: [] as string[], not_sent: [] as NotSentExample[] };
  const runs = new Set<string>();
  for await (const entry of readLedger(input.ledgerPath)) {
    runs.add(entry.run_id);
    const topic = entry.queue.startsWith(prefix) ? entry.queue.slice(prefix.length) : entry.queue;
    const t = tallies.get(topic) ?? emptyTally(topic);
    tallies.set(topic, t);
    if (entry.status === 'not_sent') {
      t.not_sent += 1;
      if (examples.not_sent.length < EXAMPLES) {
        const { run_id, seq, queue, error } = entry;
        examples.not_sent.push({ run_id, seq, queue, code: error.code, message: error.message });
      }
      continue;
    }
    t.sent += 1;
    if (entry.expected === 'raw') t.expected_raw += 1;
    else t.expected_drop += 1;
    const fate = fateOf(entry, raw, quarantine, input);
    if (fate === 'raw') t.in_raw += 1;
    else if (fate === 'quarantined') t.quarantined += 1;
    else if (fate === 'dlq') t.in_dlq += 1;
    else if (fate === 'pending') t.pending += 1;
    else {
      t.unaccounted += 1;
      if (examples.unaccounted.length < EXAMPLES) examples.unaccounted.push(entry.message_id);
    }
    if (misclassified(entry, fate, quarantine.get(entry.message_id))) {
      t.misclassified += 1;
      if (examples.misclassified.length < EXAMPLES) examples.misclassified.push(entry.message_id);
    }
  }
  for (const topic of input.topics) {
    const t = tallies.get(topic) ?? emptyTally(topic);
    tallies.set(topic, t);
    const rows = await input.lake.rowCounts(topic);
    Object.assign(t, {
      raw_rows: rows.raw,
      curated_rows: rows.curated,
      curated_rejects: rows.curated_rejects,
      semantic_rows: rows.semantic,
      semantic_rejects: rows.semantic_rejects,
    });
  }
  const topics = [...tallies.values()].sort((a, b) => a.topic.localeCompare(b.topic));
  const totals = emptyTally('');
  for (const t of topics) {
    for (const key of Object.keys(totals) as (keyof TopicAudit)[]) {
      if (key !== 'topic') (totals[key] as number) += t[key] as number;
    }
  }
  const { topic: _none, ...sums } = totals;
  return { runs: [...runs], topics, totals: sums, examples };
}

/** What keeps an audit from passing, one phrase each; empty when it passed. */
export function auditProblems(report: AuditReport): string[] {
  const { not_sent, unaccounted, misclassified } = report.totals;
  const problems: string[] = [];
  if (not_sent > 0) problems.push(`${not_sent} not sent (the ledger's not_sent lines say why)`);
  if (unaccounted > 0) problems.push(`${unaccounted} unaccounted`);
  if (misclassified > 0) problems.push(`${misclassified} misclassified`);
  return problems;
}

/**
 * The one rule of `lean-ops audit` and `lean-ops dev --until-idle`: green only when every
 * message was sent and every sent message is where the contract puts it.
 */
export function auditPassed(report: AuditReport): boolean {
  return auditProblems(report).length === 0;
}

/** The audit's last line: its verdict. */
export function formatAuditVerdict(report: AuditReport): string {
  const problems = auditProblems(report);
  const runs = report.runs.length;
  return problems.length === 0
    ? `audit passed: every message was sent and is accounted for (${runs} ${runs === 1 ? 'run' : 'runs'})`
    : `audit failed: ${problems.join(', ')}`;
}

function fateOf(
  entry: SentLedgerEntry,
  raw: ReadonlySet<string>,
  quarantine: ReadonlyMap<string, string>,
  input: AuditInput,
): Fate {
  if (raw.has(entry.message_id)) return 'raw';
  if (quarantine.has(entry.message_id)) return 'quarantined';
  if (input.inDlq?.has(entry.message_id)) return 'dlq';
  if (input.pending?.has(entry.message_id)) return 'pending';
  return 'unaccounted';
}

/** A DROP in RAW, or a valid message quarantined for a reason other than the DLQ's. */
function misclassified(entry: SentLedgerEntry, fate: Fate, reason: string | undefined): boolean {
  if (entry.expected === 'drop') return fate === 'raw';
  return fate === 'quarantined' && reason !== undefined && !reason.startsWith('dlq:');
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function emptyTally(topic: string): Mutable<TopicAudit> {
  return {
    topic,
    sent: 0,
    not_sent: 0,
    expected_raw: 0,
    expected_drop: 0,
    in_raw: 0,
    quarantined: 0,
    in_dlq: 0,
    pending: 0,
    unaccounted: 0,
    misclassified: 0,
    raw_rows: 0,
    curated_rows: 0,
    curated_rejects: 0,
    semantic_rows: 0,
    semantic_rejects: 0,
  };
}

/** The audit as a table for a terminal. */
export function formatAudit(report: AuditReport): string {
  const columns = [
    'sent',
    'not_sent',
    'in_raw',
    'quarantined',
    'in_dlq',
    'pending',
    'unaccounted',
    'misclassified',
    'curated_rows',
    'semantic_rows',
    'semantic_rejects',
  ] as const;
  const header = ['topic', ...columns];
  const rows = [
    ...report.topics.map((t) => [t.topic, ...columns.map((c) => String(t[c]))]),
    ['TOTAL', ...columns.map((c) => String(report.totals[c]))],
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
