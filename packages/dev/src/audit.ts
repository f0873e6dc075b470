import type { QuarantineEntry } from '@lean-ops/core';
import type { DuckDbLake } from '@lean-ops/lake';
import { readJsonlTree } from '@lean-ops/local';
import { type LedgerEntry, readLedger } from '@lean-ops/simulator';

/** Where one sent message ended up. */
export type Fate = 'raw' | 'quarantined' | 'dlq' | 'pending' | 'unaccounted';

export interface TopicAudit {
  readonly topic: string;
  readonly sent: number;
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

export interface AuditReport {
  readonly topics: readonly TopicAudit[];
  readonly totals: Omit<TopicAudit, 'topic'>;
  /** Up to 20 message ids of each problem, to start an investigation. */
  readonly examples: { readonly unaccounted: readonly string[]; readonly misclassified: readonly string[] };
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
 * Reconciles everything the simulator (or an input replay) sent, per its ledger, with
 * where the pipeline put it: RAW (by source message id), quarantine (ingest DROPs and the
 * DLQ processor's decisions), a DLQ, or still queued. `unaccounted` must be 0.
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
  const examples = { unaccounted: [] as string[], misclassified: [] as string[] };
  for await (const entry of readLedger(input.ledgerPath)) {
    const topic = entry.queue.startsWith(prefix) ? entry.queue.slice(prefix.length) : entry.queue;
    const t = tallies.get(topic) ?? emptyTally(topic);
    tallies.set(topic, t);
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
  return { topics, totals: sums, examples };
}

function fateOf(
  entry: LedgerEntry,
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
function misclassified(entry: LedgerEntry, fate: Fate, reason: string | undefined): boolean {
  if (entry.expected === 'drop') return fate === 'raw';
  return fate === 'quarantined' && reason !== undefined && !reason.startsWith('dlq:');
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function emptyTally(topic: string): Mutable<TopicAudit> {
  return {
    topic,
    sent: 0,
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
