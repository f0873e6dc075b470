import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, FREE_PORTS } from './dev-process.js';

const reading = (device: string, note: string) =>
  JSON.stringify({
    topic: 'sensors',
    device_id: device,
    event_timestamp: '2025-03-01T12:00:00Z',
    payload: { temperature: 21.5, note },
  });

describe('lean-ops dev --until-idle with an input line SQS refuses (real bin)', () => {
  it('lists the line as not_sent, audits it, and exits 1; lean-ops audit agrees', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-not-sent-'));
    const input = join(dir, 'input.jsonl');
    // A raw U+0000 (JSON.stringify would escape it) is outside the characters SQS takes:
    // the endpoint refuses the line, as SQS would.
    const refused = reading('d2', 'nul').replace('"nul"', '"nul \u0000"');
    writeFileSync(input, `${reading('d1', 'ok')}\n${refused}\n${reading('d3', 'ok')}\n`);
    const data = join(dir, 'data');
    const run = await cli(['dev', '--input', input, '--until-idle', '--json', '--data-dir', data, ...FREE_PORTS]);
    expect(run.code, run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(summary.simulation).toMatchObject({ sent: 2, failed: 1 });
    expect(summary.audit.totals).toMatchObject({ sent: 2, not_sent: 1, in_raw: 2, unaccounted: 0, misclassified: 0 });
    expect(summary.audit.examples.not_sent).toEqual([
      expect.objectContaining({ seq: 2, queue: 'sensors', code: 'InvalidMessageContents' }),
    ]);

    const ledger = readFileSync(join(data, 'ledger.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; status: string });
    expect(ledger.map((l) => [l.seq, l.status]).sort()).toEqual([
      [1, 'sent'],
      [2, 'not_sent'],
      [3, 'sent'],
    ]);

    const audit = await cli(['audit', '--data-dir', data]);
    expect(audit.code, audit.stderr).toBe(1);
    expect(audit.stdout).toMatch(/audit failed: 1 not sent/);
  }, 240_000);
});
