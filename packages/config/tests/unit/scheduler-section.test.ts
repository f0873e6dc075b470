import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { loadConfig, schedulerTuningSchema } from '../../src/index.js';

function configWith(scheduler: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'scheduler-section-'));
  writeFileSync(join(dir, 'lean-ops.config.json'), JSON.stringify({ topics: { sensors: {} }, scheduler }));
  return () => loadConfig({ cwd: dir, env: {} });
}

describe('scheduler.maintenanceWindow', () => {
  it('is absent by default (maintenance at any time) and takes UTC when no tz is given', () => {
    expect(schedulerTuningSchema.parse({}).maintenanceWindow).toBeUndefined();
    expect(
      configWith({ maintenanceWindow: { pattern: '0 2 * * *', durationSeconds: 14_400 } })().scheduler,
    ).toMatchObject({ maintenanceWindow: { pattern: '0 2 * * *', tz: 'UTC', durationSeconds: 14_400 } });
  });

  it('refuses at load a pattern the cron parser rejects, naming the field', () => {
    const load = configWith({ maintenanceWindow: { pattern: '0 26 * * *', tz: 'UTC', durationSeconds: 3_600 } });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/scheduler\.maintenanceWindow\.pattern: not a cron pattern: "0 26 \* \* \*"/);
  });

  it('refuses a time zone Intl does not know and a duration out of range, naming each field', () => {
    const load = configWith({
      maintenanceWindow: { pattern: '0 2 * * *', tz: 'Europe/Atlantis', durationSeconds: 3_600 },
    });
    expect(load).toThrow(/scheduler\.maintenanceWindow\.tz: not an IANA time zone: "Europe\/Atlantis"/);

    expect(configWith({ maintenanceWindow: { pattern: '0 2 * * *', durationSeconds: 10 } })).toThrow(
      /scheduler\.maintenanceWindow\.durationSeconds/,
    );
    expect(configWith({ maintenanceWindow: { pattern: '0 2 * * *', durationSeconds: 3_600, every: 5 } })).toThrow(
      /scheduler\.maintenanceWindow/,
    );
  });
});
