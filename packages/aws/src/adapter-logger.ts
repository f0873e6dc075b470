/**
 * The logging the adapters need: a pino `Logger` (from `@lean-ops/logger`) fits, and
 * so does anything with a pino-style `warn(fields, message)`.
 */
export interface AdapterLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}
