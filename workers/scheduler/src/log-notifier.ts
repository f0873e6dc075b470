import type { Notifier, PipelineNotice } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';

/** The local notifier: a warning log line (the drift itself is in the drift log). */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async notify(notice: PipelineNotice): Promise<void> {
    // Prometheus gauges carry the lag, the table health and the Snowflake auto-refresh locally.
    if (notice.kind === 'lag' || notice.kind === 'table_health' || notice.kind === 'snowflake_auto_refresh') return;
    if (notice.kind === 'missing_schema') {
      this.logger.warn(
        { topic: notice.topic, notice: notice.kind },
        `topic ${notice.topic} has no semantic schema: curated only (register one with lean-ops schema register)`,
      );
    } else {
      this.logger.warn(
        { topic: notice.topic, notice: notice.kind, columns: notice.columns },
        `drift in ${notice.topic}: undeclared column(s) ${notice.columns.join(', ')} (see lean-ops drift list)`,
      );
    }
  }
}
