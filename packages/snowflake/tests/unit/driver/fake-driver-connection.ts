import type { DriverConnection, StatementComplete } from '../../../src/index.js';

/** What the fake answers to one statement: rows, an error, or nothing (it hangs until cancelled). */
export type FakeAnswer = { rows: readonly unknown[] } | { error: Error } | 'hang';

/**
 * FakeDriverConnection — no Snowflake here: records every statement and answers from a
 * script (`answer`), like snowflake-sdk's `Connection` calls `complete` asynchronously.
 */
export class FakeDriverConnection implements DriverConnection {
  readonly statements: string[] = [];
  readonly cancelled: string[] = [];
  up = true;
  destroyed = 0;

  constructor(private readonly answer: (sqlText: string) => FakeAnswer = () => ({ rows: [] })) {}

  execute(options: { sqlText: string; complete: StatementComplete }) {
    this.statements.push(options.sqlText);
    const answer = this.answer(options.sqlText);
    if (answer !== 'hang') {
      setImmediate(() =>
        'error' in answer
          ? options.complete(answer.error, {}, undefined)
          : options.complete(undefined, {}, answer.rows),
      );
    }
    return {
      cancel: () => {
        this.cancelled.push(options.sqlText);
      },
    };
  }

  isUp(): boolean {
    return this.up;
  }

  destroy(callback: (err: Error | undefined) => void): void {
    this.destroyed += 1;
    this.up = false;
    callback(undefined);
  }
}
