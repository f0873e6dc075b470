import type { DevStatus } from './status-types.js';

const COLUMNS = [
  ['received', (t) => t.received],
  ['queued', (t) => t.queue.visible + t.queue.in_flight + t.queue.delayed],
  ['raw', (t) => t.raw],
  ['curated', (t) => t.curated],
  ['semantic', (t) => t.semantic],
  ['rejects', (t) => t.curated_rejects + t.semantic_rejects],
  ['quarantined', (t) => t.quarantined],
  ['dlq', (t) => t.dlq.visible + t.dlq.in_flight],
  ['pending', (t) => t.curation_pending],
] as const satisfies readonly (readonly [string, (t: DevStatus['topics'][number]) => number])[];

function simulatorState(simulator: DevStatus['simulator']): string {
  if (!simulator.enabled) return 'no simulator: your clients send';
  return `simulator ${simulator.running ? 'sending' : 'done'} (${simulator.sent} sent)`;
}

/** The live per-topic table of `lean-ops dev`, as lines of text. */
export function renderProgress(status: DevStatus): string[] {
  const header = ['topic', ...COLUMNS.map(([name]) => name), 'last run'];
  const rows = status.topics.map((t) => [
    t.topic,
    ...COLUMNS.map(([, value]) => String(value(t))),
    t.last_runs[0] ? t.last_runs[0].outcome : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  const drift = status.topics.flatMap((t) =>
    t.drift.filter((d) => d.column !== '*').map((d) => `${t.topic}.${d.column} (${d.status})`),
  );
  return [
    `lean-ops dev · ${Math.round(status.uptime_s)} s · ${simulatorState(status.simulator)} · breaker ${status.breaker} · status ${status.endpoints.status}`,
    line(header),
    ...rows.map(line),
    drift.length > 0 ? `drift: ${drift.join(', ')}` : 'drift: none',
    'Ctrl-C stops everything gracefully',
  ];
}

/**
 * Writes the table to a terminal: redrawn in place on a TTY, a plain block every
 * `plainEveryMs` otherwise (logs and CI stay readable).
 */
export class ProgressView {
  private drawn = 0;
  private lastPlain = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly plainEveryMs = 10_000,
  ) {}

  /** Whether `show` would write now: ask before reading a status it would not show. */
  due(): boolean {
    return this.out.isTTY || Date.now() - this.lastPlain >= this.plainEveryMs;
  }

  show(status: DevStatus): void {
    if (!this.due()) return;
    const lines = renderProgress(status);
    if (this.out.isTTY) {
      if (this.drawn > 0) this.out.write(`\u001b[${this.drawn}A\u001b[0J`);
      this.out.write(`${lines.join('\n')}\n`);
      this.drawn = lines.length;
      return;
    }
    this.lastPlain = Date.now();
    this.out.write(`${lines.join('\n')}\n`);
  }
}
