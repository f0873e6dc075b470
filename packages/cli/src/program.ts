import { Command } from 'commander';
import { registerConfigCommand } from './commands/config-command.js';
import { registerIngestCommand } from './commands/ingest-command.js';
import { VERSION } from './version.js';

/** The `lean-ops` command tree; each command registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command('lean-ops')
    .description('lean-ops: IoT messages from SQS to Iceberg RAW, Curated and Semantic tables')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  registerConfigCommand(program);
  registerIngestCommand(program);
  return program;
}
