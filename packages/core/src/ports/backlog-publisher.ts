/**
 * Publishes the ingest backlog, the visible messages of every topic queue summed, where the
 * ingest service's scaling policy reads it (a CloudWatch metric in AWS).
 */
export interface BacklogPublisher {
  /** Rejects when the metric was not taken; the caller logs and publishes again next time. */
  publish(visibleMessages: number, signal?: AbortSignal): Promise<void>;
}
