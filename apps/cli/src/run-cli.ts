import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

/** Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad configuration. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Runs the CLI and returns the exit code. Expected errors (bad flags, bad config)
 * print one clear message without a stack; anything else prints the stack.
 */
export async function runCli(argv: readonly string[], stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    // A command that finished but found a problem (an audit with unaccounted messages, a
    // failed run) sets process.exitCode instead of throwing.
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version "errors" are successful exits; commander already printed.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const e = err as Error;
    const code = (err as { code?: unknown }).code;
    if (
      code === 'config_invalid' ||
      code === 'schema_invalid' ||
      e.name === 'ConfigError' ||
      e.name === 'SchemaError'
    ) {
      stderr.write(`lean-ops: ${e.message}\n`);
      return EXIT.usage;
    }
    // Refused for a reason the message says in full (one reprocess per topic): no stack.
    if (code === 'reprocess_in_progress') {
      stderr.write(`lean-ops: ${e.message}\n`);
      return EXIT.failure;
    }
    stderr.write(`lean-ops: ${e.stack ?? String(err)}\n`);
    return EXIT.failure;
  }
}
