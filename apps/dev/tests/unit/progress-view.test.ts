import { describe, expect, it, vi } from 'vitest';
import { type DevStatus, ProgressView, renderProgress } from '../../src/index.js';

const status: DevStatus = {
  generated_at: '2026-11-22T00:00:00.000Z',
  uptime_s: 12.4,
  data_dir: '/tmp/x',
  breaker: 'closed',
  simulator: { enabled: true, running: true, sent: 120, profile: 'default' },
  endpoints: { sqs: 'http://sqs', redis: 'redis://r', metrics: 'http://m', status: 'http://s' },
  topics: [
    {
      topic: 'sensors',
      schema_version: 1,
      received: 120,
      queue: { visible: 3, in_flight: 2, delayed: 0 },
      dlq: { visible: 1, in_flight: 0 },
      raw: 100,
      curated: 90,
      curated_rejects: 1,
      semantic: 80,
      semantic_rejects: 2,
      quarantined: 12,
      snapshots: { raw: { id: '9', sequence: 9 }, curated: { id: '8', sequence: 8 } },
      checkpoints: { curated: { id: '7', sequence: 7 }, semantic: { id: '8', sequence: 8 } },
      curation_pending: 10,
      last_runs: [
        {
          topic: 'sensors',
          trigger: 'raw-advanced',
          outcome: 'FullPipelineSuccess',
          started_at: '2026-11-22T00:00:00.000Z',
          finished_at: '2026-11-22T00:00:01.000Z',
          timings: {},
        },
      ],
      drift: [{ topic: 'sensors', column: 'pressure', first_seen: '2026-11-22T00:00:00.000Z', status: 'pending' }],
      table_health: null,
      reprocess: null,
    },
  ],
};

describe('the live view of lean-ops dev', () => {
  it('shows each topic flow with its counts, last outcome and drift', () => {
    const lines = renderProgress(status);
    expect(lines[0]).toMatch(/12 s · simulator sending \(120 sent\) · breaker closed · status http:\/\/s/);
    expect(lines[1]).toMatch(
      /^topic\s+received\s+queued\s+raw\s+curated\s+semantic\s+rejects\s+quarantined\s+dlq\s+pending\s+last run/,
    );
    const row = lines[2]?.split(/\s+/);
    expect(row).toEqual(['sensors', '120', '5', '100', '90', '80', '3', '12', '1', '10', 'FullPipelineSuccess']);
    expect(lines).toContain('drift: sensors.pressure (pending)');
  });

  it('says when no simulator runs and your own clients feed the queues (--rate 0)', () => {
    const lines = renderProgress({ ...status, simulator: { enabled: false, running: false, sent: 0, profile: null } });
    expect(lines[0]).toMatch(/12 s · no simulator: your clients send · breaker closed/);
  });

  it('off a terminal, prints a plain block once per interval (fake clock)', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const written: string[] = [];
      const out = { isTTY: false, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
      const view = new ProgressView(out, 10_000);

      view.show(status);
      vi.advanceTimersByTime(9_999);
      const dueEarly = view.due();
      view.show(status);
      vi.advanceTimersByTime(1);
      const dueThen = view.due();
      view.show(status);

      expect([dueEarly, dueThen]).toEqual([false, true]);
      expect(written).toHaveLength(2);
      expect(written[0]).toContain('sensors');
    } finally {
      vi.useRealTimers();
    }
  });
});
