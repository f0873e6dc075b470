import { type SnowflakeSection, snowflakeSectionSchema } from '@lean-ops/config';
import { createLogger } from '@lean-ops/logger';
import { SnowflakeSdkRefresher } from '@lean-ops/snowflake';
import { describe, expect, it } from 'vitest';
import { openSnowflakeRefresh } from '../../src/scheduler-service.js';
import { readSchedulerEnvironment } from '../../src/service-environment.js';

const env = readSchedulerEnvironment({});
const section = (connection?: SnowflakeSection['connection']): SnowflakeSection =>
  snowflakeSectionSchema.parse(connection ? { connection } : {});
const CONNECTION = {
  account: 'myorg-myaccount',
  user: 'LEAN_OPS_REFRESH',
  role: 'LEAN_OPS_REFRESHER',
  warehouse: 'LEAN_OPS_WH',
  privateKeySecret: 'lean-ops/snowflake-key',
};

/** A logger that keeps its lines, to see what was logged at start. */
function recordingLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    component: 'test',
    level: 'warn',
    format: 'json',
    destination: { write: (line: string) => lines.push(line) },
  });
  return { logger, lines };
}

describe('Function: openSnowflakeRefresh (the scheduler builds a refresher only with a Snowflake connection)', () => {
  it('builds none without a snowflake section, or with one that has no connection (lean-ops dev)', () => {
    const { logger } = recordingLogger();
    expect(openSnowflakeRefresh({ snowflake: undefined }, env, logger)).toBeUndefined();
    expect(openSnowflakeRefresh({ snowflake: section() }, env, logger)).toBeUndefined();
  });

  it('builds the snowflake-sdk refresher with a connection, without connecting until the first statement', async () => {
    const { logger } = recordingLogger();
    const wiring = openSnowflakeRefresh({ snowflake: section(CONNECTION) }, env, logger);
    expect(wiring?.deps.refresher).toBeInstanceOf(SnowflakeSdkRefresher);
    // The config's database and schema (defaults LEAN_OPS, SEMANTIC) name the table.
    expect(wiring?.deps.tableOf('sensors')).toBe('LEAN_OPS.SEMANTIC.SENSORS');
    // The Scientist View the refresh creates again: the same names, the given schema's columns.
    const view = wiring?.deps.viewOf('sensors', {
      topic: 'sensors',
      version: 2,
      columns: [{ name: 'humidity', type: 'double', required: false }],
    });
    expect(view?.view).toBe('LEAN_OPS.SEMANTIC.SENSORS_SCIENTIST_VIEW');
    expect(view?.sql).toContain('"HUMIDITY") COPY GRANTS AS');
    expect(view?.sql).toContain('FROM LEAN_OPS.SEMANTIC.SENSORS\n');
    await wiring?.close();
  });
});
