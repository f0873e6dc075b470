/**
 * Runs async tasks with at most `limit` in flight: `run` waits for a free slot, which
 * slows the producer to the pace of the sends. The first task failure is kept and
 * thrown by `drain`; `failure` lets the producer stop early.
 */
export class BoundedTasks {
  private readonly running = new Set<Promise<void>>();
  private firstFailure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  get failed(): boolean {
    return this.firstFailure !== undefined;
  }

  async run(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        this.firstFailure ??= { error };
      })
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** Waits for every task; rejects with the first failure, if any. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    if (this.firstFailure) throw this.firstFailure.error;
  }
}
