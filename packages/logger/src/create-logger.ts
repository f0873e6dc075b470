import { ConfigError } from '@lean-ops/core';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty' | 'auto';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CreateLoggerOptions {
  /** Component name, logged as `component` on every line (e.g. `ingest`). */
  readonly component: string;
  /** @defaultValue "info" */
  readonly level?: LogLevel;
  /**
   * `json`: one JSON object per line (what CloudWatch and Loki parse); `pretty`: colour
   * text for a terminal; `auto`: pretty when stdout is a TTY.
   * @defaultValue LEAN_OPS_LOG_FORMAT, else "auto"
   */
  readonly format?: LogFormat;
  /** Where lines go; tests pass a stream to read them back. @defaultValue stdout */
  readonly destination?: DestinationStream;
}

const FORMATS: readonly LogFormat[] = ['json', 'pretty', 'auto'];

/**
 * The one way lean-ops processes log: pino, JSON by default, readable in a terminal.
 * Errors are serialised under `err` with their stack and `name`.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const format = options.format ?? (process.env.LEAN_OPS_LOG_FORMAT as LogFormat | undefined) ?? 'auto';
  if (!FORMATS.includes(format)) {
    throw new ConfigError('logger options', [`format: expected one of ${FORMATS.join('|')} (got "${format}")`]);
  }
  const usePretty =
    format === 'pretty' || (format === 'auto' && options.destination === undefined && process.stdout.isTTY === true);
  const base: LoggerOptions = {
    level: options.level ?? 'info',
    base: { component: options.component },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  if (usePretty) {
    // Synchronous pretty stream: no worker thread, and nothing lost on process.exit.
    return pino(
      base,
      pretty({ sync: true, colorize: options.destination === undefined, destination: options.destination ?? 1 }),
    );
  }
  return pino(base, options.destination ?? pino.destination({ sync: false }));
}

export type { Logger };
