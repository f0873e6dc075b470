/**
 * The shape every composed service has (ingest, the DLQ processor, the scheduler), as its
 * composition roots use it: the Fargate entry points (`lean-ops ingest|dlq run|scheduler`)
 * and `lean-ops dev`. A root builds the adapters, composes the service, starts it, reads
 * `status()` for its status page or idle check, and closes the service before the adapters.
 */
export interface Service<Status, Closed = void> {
  /** Starts the work; idempotent. Rejects with a `ConfigError` naming what cannot start. */
  start(): Promise<void>;
  /** What a status page or an idle check needs, read now (never the service's internals). */
  status(): Promise<Status>;
  /** Graceful shutdown within the service's budget; idempotent: every call awaits one close. */
  close(): Promise<Closed>;
}
