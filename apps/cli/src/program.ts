import { Command } from 'commander';
import { registerConfigCommand } from './commands/config-command.js';
import { registerCostCommand } from './commands/cost-command.js';
import { registerDevCommand } from './commands/dev-command.js';
import { registerDlqCommand } from './commands/dlq-command.js';
import { registerDriftCommand } from './commands/drift-command.js';
import { registerIngestCommand } from './commands/ingest-command.js';
import { registerLakeCommands } from './commands/lake-commands.js';
import { registerObservabilityCommand } from './commands/observability-command.js';
import { registerReprocessCommand } from './commands/reprocess-command.js';
import { registerRunCommand } from './commands/run-command.js';
import { registerSchedulerCommand } from './commands/scheduler-command.js';
import { registerSchemaCommand } from './commands/schema-command.js';
import { registerSimulateCommand } from './commands/simulate-command.js';
import { registerSnowflakeCommand } from './commands/snowflake-command.js';
import { registerTablesCommand } from './commands/tables-command.js';
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
  registerDevCommand(program);
  registerDlqCommand(program);
  registerIngestCommand(program);
  registerSchedulerCommand(program);
  registerRunCommand(program);
  registerReprocessCommand(program);
  registerLakeCommands(program);
  registerSchemaCommand(program);
  registerSimulateCommand(program);
  registerDriftCommand(program);
  registerCostCommand(program);
  registerTablesCommand(program);
  registerObservabilityCommand(program);
  registerSnowflakeCommand(program);
  return program;
}
