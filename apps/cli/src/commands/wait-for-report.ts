import type { RunHistory, RunReport } from '@lean-ops/worker-scheduler';

/** The scheduler recorded no matching run within the wait. */
export class RunWaitTimeoutError extends Error {
  override name = 'RunWaitTimeoutError';
}

/**
 * Polls the topic's run history until a report `matches`, for at most `timeoutSeconds`.
 * `onWait` hears of each poll that found none (progress on long waits).
 */
export async function waitForReport(
  history: RunHistory,
  topic: string,
  matches: (report: RunReport) => boolean,
  timeoutSeconds: number,
  what: string,
  onWait?: (waitedMs: number) => void,
): Promise<RunReport> {
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    const found = (await history.recent(topic, 20)).find(matches);
    if (found) return found;
    onWait?.(Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new RunWaitTimeoutError(
    `no ${what} of ${topic} finished within ${timeoutSeconds} s: is a scheduler running on this Redis?`,
  );
}
