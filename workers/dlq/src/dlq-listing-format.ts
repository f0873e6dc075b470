import type { DlqAction } from './dlq-decision.js';
import type { DlqListing } from './dlq-operator.js';

/** Body characters shown per row of the table (the JSON output keeps more). */
const TABLE_EXCERPT_CHARS = 60;

/** `42s`, `12m 5s`, `3h 20m`, `8d 2h`: the two largest units. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

export function formatAction(action: DlqAction): string {
  return action.kind === 'redrive'
    ? `redrive #${action.attempt} after ~${action.delaySeconds}s`
    : `quarantine ${action.reason}`;
}

/** The listing as a terminal table: one header line per DLQ, one row per message. */
export function formatDlqListings(listings: readonly DlqListing[]): string {
  const lines: string[] = [];
  for (const listing of listings) {
    const depth = listing.depth
      ? `${listing.depth.visible} visible, ${listing.depth.inFlight} in flight, ${listing.depth.delayed} delayed`
      : 'depth unknown';
    lines.push(`${listing.dlq} (topic ${listing.topic}): ${depth}; showing ${listing.messages.length}`);
    if (listing.messages.length === 0) continue;
    const rows = listing.messages.map((m) => [
      formatAge(m.ageSeconds),
      String(m.receiveCount),
      String(m.attempt),
      formatAction(m.action),
      m.sourceMessageId,
      excerpt(m.bodyExcerpt),
    ]);
    const header = ['AGE', 'RECEIVES', 'ATTEMPT', 'ACTION', 'MESSAGE ID', 'BODY'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    for (const row of [header, ...rows]) {
      lines.push(`  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One line, control characters made visible, cut to the table width. */
function excerpt(body: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  const flat = body.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return flat.length > TABLE_EXCERPT_CHARS ? `${flat.slice(0, TABLE_EXCERPT_CHARS - 1)}…` : flat;
}
