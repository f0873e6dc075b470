/**
 * The lean-ops error family. Every class sets `name`, so callers can branch on
 * `err.name` even when the error crossed a process or serialisation boundary
 * (a BullMQ job's failedReason, a worker thread, a log line).
 */
export class LeanOpsError extends Error {
  override name = 'LeanOpsError';
  /** Stable machine-readable code, e.g. `config_invalid`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Configuration or component options are invalid. The message names the key. */
export class ConfigError extends LeanOpsError {
  override name = 'ConfigError';
  /** Every problem found, each as `path: what was expected`. */
  readonly issues: readonly string[];

  constructor(source: string, issues: readonly string[]) {
    super('config_invalid', `Invalid ${source}:\n  - ${issues.join('\n  - ')}`);
    this.issues = issues;
  }
}

/** A semantic schema is malformed (unknown type, bad column name, …). */
export class SchemaError extends LeanOpsError {
  override name = 'SchemaError';
  constructor(message: string) {
    super('schema_invalid', message);
  }
}

/**
 * A failure that may succeed later (throttling, 5xx, network). The message is not
 * deleted and comes back after its visibility timeout.
 */
export class RetryableError extends LeanOpsError {
  override name = 'RetryableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('retryable', message, options);
  }
}

/**
 * A failure that repeating cannot fix (a table that is not Iceberg, metadata that does not
 * parse): the caller reports it instead of retrying. Messages are never classified by it:
 * their DROP reasons are the transform's (contract §2).
 */
export class PermanentError extends LeanOpsError {
  override name = 'PermanentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('permanent', message, options);
  }
}

/** A service was asked for something only a running service has (its status before `start()`, after `close()`). */
export class ServiceNotRunningError extends LeanOpsError {
  override name = 'ServiceNotRunningError';
  constructor(service: string, state: 'not started' | 'closed') {
    super('service_not_running', `${service} is ${state}`);
  }
}

/** A compare-and-set on a checkpoint lost: someone else moved it first. */
export class CheckpointConflictError extends LeanOpsError {
  override name = 'CheckpointConflictError';
  constructor(message: string) {
    super('checkpoint_conflict', message);
  }
}

/** A curation or semantic job ended in failure; carries the engine's message. */
export class JobFailedError extends LeanOpsError {
  override name = 'JobFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('job_failed', message, options);
  }
}

/** True when `err` is (or was serialised from) the named lean-ops error. */
export function isErrorNamed(err: unknown, name: string): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === name;
}
