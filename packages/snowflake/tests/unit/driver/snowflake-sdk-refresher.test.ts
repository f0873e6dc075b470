import { describe, expect, it } from 'vitest';
import {
  SnowflakeIdentifierError,
  SnowflakeRefresherClosedError,
  SnowflakeResponseError,
  SnowflakeSdkRefresher,
  SnowflakeStatementError,
  SnowflakeViewStatementError,
  scientistViewStatement,
} from '../../../src/index.js';
import { type FakeAnswer, FakeDriverConnection } from './fake-driver-connection.js';

function refresherOn(answer?: (sql: string) => FakeAnswer) {
  const sessions: FakeDriverConnection[] = [];
  const refresher = new SnowflakeSdkRefresher({
    connect: async () => {
      const session = new FakeDriverConnection(answer);
      sessions.push(session);
      return session;
    },
  });
  return { refresher, sessions };
}

const statusRow = (status: unknown) => ({ rows: [{ AUTO_REFRESH_STATUS: status }] });

describe('Class: SnowflakeSdkRefresher (FakeDriverConnection — no Snowflake here)', () => {
  it('refreshes with ALTER ICEBERG TABLE <db>.<schema>.<table> REFRESH on one session', async () => {
    // Prepare
    const { refresher, sessions } = refresherOn();

    // Act
    await refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY');
    await refresher.refresh('LEAN_OPS.SEMANTIC.ALERTS');

    // Assess
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.statements).toEqual([
      'ALTER ICEBERG TABLE LEAN_OPS.SEMANTIC.TELEMETRY REFRESH',
      'ALTER ICEBERG TABLE LEAN_OPS.SEMANTIC.ALERTS REFRESH',
    ]);
  });

  it('runs the rendered Scientist View statement as it is, on the same session', async () => {
    // Prepare
    const { refresher, sessions } = refresherOn();
    const statement = scientistViewStatement({ database: 'LEAN_OPS', schema: 'SEMANTIC' }, 'telemetry', {
      topic: 'telemetry',
      version: 2,
      columns: [{ name: 'humidity', type: 'double', required: false }],
    });

    // Act
    await refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY');
    await refresher.replaceView(statement);

    // Assess
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.statements[1]).toBe(statement.sql);
    expect(statement.sql).toMatch(
      /^CREATE OR REPLACE VIEW LEAN_OPS\.SEMANTIC\.TELEMETRY_SCIENTIST_VIEW \(.*"HUMIDITY"\) COPY GRANTS AS\n/,
    );
  });

  it.each([
    [
      'another view than it names',
      {
        view: 'LEAN_OPS.SEMANTIC.OTHER',
        sql: 'CREATE OR REPLACE VIEW LEAN_OPS.SEMANTIC.X (A) COPY GRANTS AS SELECT 1',
      },
    ],
    [
      'no COPY GRANTS',
      { view: 'LEAN_OPS.SEMANTIC.X', sql: 'CREATE OR REPLACE VIEW LEAN_OPS.SEMANTIC.X (A) AS SELECT 1' },
    ],
    [
      'a second statement',
      {
        view: 'LEAN_OPS.SEMANTIC.X',
        sql: 'CREATE OR REPLACE VIEW LEAN_OPS.SEMANTIC.X (A) COPY GRANTS AS SELECT 1; DROP TABLE T',
      },
    ],
    [
      'a view name that needs quoting',
      {
        view: 'LEAN_OPS.SEMANTIC."X"',
        sql: 'CREATE OR REPLACE VIEW LEAN_OPS.SEMANTIC."X" (A) COPY GRANTS AS SELECT 1',
      },
    ],
  ])('refuses a view statement with %s, before connecting', async (name, statement) => {
    // Prepare
    const { refresher, sessions } = refresherOn();

    // Act
    const replaced = refresher.replaceView(statement);

    // Assess
    await expect(replaced).rejects.toThrow(
      name === 'a view name that needs quoting' ? SnowflakeIdentifierError : SnowflakeViewStatementError,
    );
    expect(sessions).toHaveLength(0);
  });

  it('reads SYSTEM$AUTO_REFRESH_STATUS and parses its JSON (counts as strings, as Snowflake renders them)', async () => {
    // Prepare
    const json = JSON.stringify({
      executionState: 'STALLED',
      invalidExecutionStateReason: 'Access denied to the metadata file',
      pendingSnapshotCount: '7',
      oldestSnapshotTime: '2026-12-03 10:00:00.000 -0800',
      lastUpdatedTime: '2026-12-03 09:59:00.000 -0800',
    });
    const { refresher, sessions } = refresherOn(() => statusRow(json));

    // Act
    const status = await refresher.autoRefreshStatus('LEAN_OPS.SEMANTIC.TELEMETRY');

    // Assess
    expect(sessions[0]?.statements).toEqual([
      "SELECT SYSTEM$AUTO_REFRESH_STATUS('LEAN_OPS.SEMANTIC.TELEMETRY') AS AUTO_REFRESH_STATUS",
    ]);
    expect(status).toEqual({
      executionState: 'STALLED',
      pendingSnapshotCount: 7,
      invalidExecutionStateReason: 'Access denied to the metadata file',
      lastUpdatedTime: '2026-12-03 09:59:00.000 -0800',
    });
  });

  it('reads the older pendingFileCount and an already parsed object', async () => {
    // Prepare
    const { refresher } = refresherOn(() => statusRow({ executionState: 'RUNNING', pendingFileCount: 0 }));

    // Act
    const status = await refresher.autoRefreshStatus('LEAN_OPS.SEMANTIC.TELEMETRY');

    // Assess
    expect(status).toEqual({ executionState: 'RUNNING', pendingSnapshotCount: 0 });
  });

  it.each([
    ['not JSON', 'oops', /not JSON/],
    ['no executionState', JSON.stringify({ pendingSnapshotCount: '1' }), /executionState missing/],
    ['a negative count', JSON.stringify({ executionState: 'RUNNING', pendingSnapshotCount: '-1' }), /not a count/],
    ['no row value', null, /expected a JSON object/],
  ])('rejects a status with %s as SnowflakeResponseError', async (_what, value, message) => {
    // Prepare
    const { refresher } = refresherOn(() => statusRow(value));

    // Act
    const read = refresher.autoRefreshStatus('LEAN_OPS.SEMANTIC.TELEMETRY');

    // Assess
    await expect(read).rejects.toBeInstanceOf(SnowflakeResponseError);
    await expect(read).rejects.toThrow(message);
  });

  it.each([
    ['an injected quote', "LEAN_OPS.SEMANTIC.T'); DROP TABLE X; --"],
    ['an unqualified name', 'TELEMETRY'],
    ['a quoted identifier', 'LEAN_OPS.SEMANTIC."telemetry"'],
  ])('refuses %s before sending anything', async (_what, table) => {
    // Prepare
    const { refresher, sessions } = refresherOn();

    // Act
    const refresh = refresher.refresh(table);

    // Assess
    await expect(refresh).rejects.toBeInstanceOf(SnowflakeIdentifierError);
    await expect(refresh).rejects.toThrow(/table: .* is not DATABASE.SCHEMA.TABLE of unquoted Snowflake identifiers/);
    expect(sessions).toHaveLength(0);
  });

  it("wraps Snowflake's error with the statement", async () => {
    // Prepare
    const { refresher } = refresherOn(() => ({ error: new Error('Insufficient privileges to operate on table') }));

    // Act
    const refresh = refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY');

    // Assess
    await expect(refresh).rejects.toBeInstanceOf(SnowflakeStatementError);
    await expect(refresh).rejects.toThrow(
      'ALTER ICEBERG TABLE LEAN_OPS.SEMANTIC.TELEMETRY REFRESH: Insufficient privileges to operate on table',
    );
  });

  it('cancels the running statement when the signal aborts', async () => {
    // Prepare
    const { refresher, sessions } = refresherOn(() => 'hang');
    const abort = new AbortController();

    // Act
    const refresh = refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY', { signal: abort.signal });
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort(new Error('refresh timed out'));

    // Assess
    await expect(refresh).rejects.toThrow('refresh timed out');
    expect(sessions[0]?.cancelled).toEqual(['ALTER ICEBERG TABLE LEAN_OPS.SEMANTIC.TELEMETRY REFRESH']);
  });

  it('connects again once the session went down, and again after a failed connect', async () => {
    // Prepare
    let failNext = false;
    const sessions: FakeDriverConnection[] = [];
    const refresher = new SnowflakeSdkRefresher({
      connect: async () => {
        if (failNext) {
          failNext = false;
          throw new Error('JWT token is invalid');
        }
        const session = new FakeDriverConnection();
        sessions.push(session);
        return session;
      },
    });
    await refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY');
    (sessions[0] as FakeDriverConnection).up = false;
    failNext = true;

    // Act
    const failed = refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY');
    await expect(failed).rejects.toThrow('JWT token is invalid');
    await refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY');

    // Assess
    expect(sessions).toHaveLength(2);
    expect(sessions[0]?.destroyed).toBe(1);
    expect(sessions[1]?.statements).toEqual(['ALTER ICEBERG TABLE LEAN_OPS.SEMANTIC.TELEMETRY REFRESH']);
  });

  it('close() ends the session once, is idempotent, and refuses later statements', async () => {
    // Prepare
    const { refresher, sessions } = refresherOn();
    await refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY');

    // Act
    await Promise.all([refresher.close(), refresher.close()]);

    // Assess
    expect(sessions[0]?.destroyed).toBe(1);
    await expect(refresher.refresh('LEAN_OPS.SEMANTIC.TELEMETRY')).rejects.toBeInstanceOf(
      SnowflakeRefresherClosedError,
    );
  });
});
