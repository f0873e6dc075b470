import type { Logger } from '@lean-ops/logger';

/**
 * SIGTERM/SIGINT: the first runs `close` (which respects its own budget) and exits 0
 * when it drained, 1 otherwise; a second signal exits at once with 130.
 */
export function exitOnShutdownSignals(close: () => Promise<{ drained: boolean }>, logger: Logger): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(130);
    }
    received = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      (result) => process.exit(result.drained ? 0 : 1),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
