import { finishesWithin, type Polling } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { CloseResult } from './close-result.js';

/** A task a worker runs on a timer while it runs. */
export interface PeriodicTask {
  readonly everyMs: number;
  readonly run: () => void;
  /** Also run once at start. @defaultValue false */
  readonly atStart?: boolean;
}

/** What a queue worker plugs into its lifecycle. */
export interface LifecycleParts {
  /** For the log lines: "<name> started", "<name> stopped". */
  readonly name: string;
  readonly logger: Logger;
  /** Longest `close()` waits for pollers and work in flight before releasing the rest. */
  readonly shutdownBudgetMs: number;
  readonly polling: Polling;
  readonly tasks?: readonly PeriodicTask[];
  /** Fields of the "started" log line. */
  readonly describe?: () => Record<string, unknown>;
  /** Stops taking new work and wakes pollers waiting for capacity: the start of shutdown. */
  stopAdmitting(): void;
  /** Resolves when every admitted message is finished or handed back. */
  drain(): Promise<void>;
  /** Hands whatever is still unfinished back to its queue; resolves with how many. */
  release(): Promise<number>;
}

/**
 * The lifecycle every queue worker shares: started once; timers while running;
 * `close()` idempotent (every call awaits one shutdown): stop admitting and polling,
 * finish the work in flight within the budget, release what is unfinished.
 */
export class WorkerLifecycle {
  private readonly timers: NodeJS.Timeout[] = [];
  private closing: Promise<CloseResult> | undefined;
  private started = false;

  constructor(private readonly parts: LifecycleParts) {}

  /** True once `close()` was called. */
  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** Starts polling and the periodic tasks; later calls, and calls after `close()`, do nothing. */
  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    const { polling, tasks = [], logger, name, describe } = this.parts;
    polling.start();
    for (const task of tasks) {
      if (task.atStart) task.run();
      this.timers.push(setInterval(task.run, task.everyMs));
    }
    logger.info(describe?.() ?? {}, `${name} started`);
  }

  /**
   * Graceful shutdown: stop receiving, finish what is in flight; anything unfinished when
   * the budget runs out goes back to its queue. Idempotent.
   */
  close(): Promise<CloseResult> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<CloseResult> {
    const { parts } = this;
    const started = Date.now();
    parts.stopAdmitting();
    for (const timer of this.timers) clearInterval(timer);
    const inTime = await finishesWithin(
      (async () => {
        await parts.polling.stop();
        await parts.drain();
      })(),
      parts.shutdownBudgetMs,
    );
    const released = await parts.release();
    const drained = inTime && released === 0;
    parts.logger.info({ drained, released, ms: Date.now() - started }, `${parts.name} stopped`);
    return { drained, released };
  }
}
