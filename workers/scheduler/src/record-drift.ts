import type { PipelineDeps } from './pipeline-deps.js';

/**
 * Logs each undeclared curated column the semantic job reported and notifies once for the
 * columns the drift log did not hold yet; returns those.
 */
export async function recordDrift(
  deps: Pick<PipelineDeps, 'drift' | 'notifier'>,
  topic: string,
  undeclared: readonly string[],
): Promise<string[]> {
  const seen = new Date().toISOString();
  const fresh: string[] = [];
  for (const column of undeclared) {
    if (await deps.drift.record({ topic, column, first_seen: seen, status: 'pending' })) fresh.push(column);
  }
  if (fresh.length > 0) await deps.notifier.notify({ kind: 'drift', topic, columns: fresh });
  return fresh;
}
