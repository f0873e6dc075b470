import {
  type CurationRequest,
  type CurationResult,
  JobFailedError,
  type JobOutcome,
  type JobRunner,
  LeanOpsError,
  onceAsync,
  type SemanticRequest,
  type SemanticResult,
} from '@lean-ops/core';

/** The lake jobs as one run of one topic calls them (contract §6: RunCurationJob, RunSemanticJob). */
export interface TopicJobs {
  runCuration(request: CurationRequest, signal?: AbortSignal): Promise<CurationResult>;
  runSemantic(request: SemanticRequest, signal?: AbortSignal): Promise<SemanticResult>;
}

export type JobKind = 'curation' | 'semantic';

export interface JobBatcherOptions {
  /** How long the first request of a batch waits for others before the batch starts. */
  readonly gatherMs: number;
  /** Least time between the starts of two batches of one kind. */
  readonly minIntervalMs: number;
  /** Hears of every batch as it starts (metrics, logs); `rebuild` for a batch of reprocess rebuilds. */
  readonly onBatch?: (kind: JobKind, topics: readonly string[], rebuild: boolean) => void;
}

/** The batcher closed before this topic's batch started; the run resumes from this step later. */
export class JobWithdrawnError extends LeanOpsError {
  override name = 'JobWithdrawnError';
  constructor(
    readonly kind: JobKind,
    readonly topic: string,
  ) {
    super('job_withdrawn', `${kind} job of ${topic} withdrawn before its batch started: the scheduler is closing`);
  }
}

interface Waiting<Req, Res> {
  readonly request: Req;
  readonly signal: AbortSignal | undefined;
  readonly arrivedAt: number;
  readonly resolve: (result: Res) => void;
  readonly reject: (err: unknown) => void;
  onAbort?: () => void;
}

type BatchRun<Req, Res> = (requests: readonly Req[], signal: AbortSignal) => Promise<readonly JobOutcome<Res>[]>;

/** The requests of one kind: at most one batch running, the next one gathering. */
class Lane<Req extends { readonly topic: string }, Res> {
  private waiting: Waiting<Req, Res>[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private lastStart = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly kind: JobKind,
    private readonly run: BatchRun<Req, Res>,
    private readonly options: JobBatcherOptions,
    private readonly rebuild = false,
  ) {}

  submit(request: Req, signal: AbortSignal | undefined): Promise<Res> {
    if (this.closed) return Promise.reject(new JobWithdrawnError(this.kind, request.topic));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Res>((resolve, reject) => {
      const entry: Waiting<Req, Res> = { request, signal, arrivedAt: Date.now(), resolve, reject };
      if (signal) {
        entry.onAbort = () => this.withdraw(entry, signal.reason);
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.waiting.push(entry);
      this.schedule();
    });
  }

  /** Withdraws every request not yet started; resolves once the running batch settled. */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const entry of this.waiting.splice(0)) {
      this.detach(entry);
      entry.reject(new JobWithdrawnError(this.kind, entry.request.topic));
    }
    return this.running ?? Promise.resolve();
  }

  /** A request not started yet leaves at once; a started one settles with its batch. */
  private withdraw(entry: Waiting<Req, Res>, reason: unknown): void {
    const index = this.waiting.indexOf(entry);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    entry.reject(reason);
    this.schedule();
  }

  private detach(entry: Waiting<Req, Res>): void {
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
  }

  /** Sets the timer of the next batch: max(first request + gather window, last start + minimum interval). */
  private schedule(): void {
    const first = this.waiting[0];
    if (this.closed || this.running || first === undefined) {
      if (first === undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      return;
    }
    const due = Math.max(first.arrivedAt + this.options.gatherMs, this.lastStart + this.options.minIntervalMs);
    if (this.timer !== undefined && this.timerDue === due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.start();
      },
      Math.max(0, due - Date.now()),
    );
  }

  private start(): void {
    const batch: Waiting<Req, Res>[] = [];
    const later: Waiting<Req, Res>[] = [];
    const topics = new Set<string>();
    // One request per topic in a batch: outcomes are matched by topic.
    for (const entry of this.waiting) {
      if (topics.has(entry.request.topic)) later.push(entry);
      else {
        topics.add(entry.request.topic);
        batch.push(entry);
      }
    }
    if (batch.length === 0) return;
    this.waiting = later;
    for (const entry of batch) this.detach(entry);
    this.lastStart = Date.now();
    this.options.onBatch?.(this.kind, [...topics], this.rebuild);
    this.running = this.execute(batch).finally(() => {
      this.running = undefined;
      this.schedule();
    });
  }

  private async execute(batch: readonly Waiting<Req, Res>[]): Promise<void> {
    // The engine run is cancelled only when every topic in it was cancelled: one topic's
    // abort does not stop the others' work.
    const controller = new AbortController();
    const signals = batch.map((e) => e.signal);
    const onAbort = (): void => {
      if (signals.every((s) => s?.aborted)) controller.abort(signals[0]?.reason);
    };
    for (const s of signals) s?.addEventListener('abort', onAbort);
    let outcomes: readonly JobOutcome<Res>[];
    try {
      outcomes = await this.run(
        batch.map((e) => e.request),
        controller.signal,
      );
    } catch (err) {
      for (const entry of batch) entry.reject(err);
      return;
    } finally {
      for (const s of signals) s?.removeEventListener('abort', onAbort);
    }
    const byTopic = new Map(outcomes.map((o) => [o.topic, o]));
    for (const entry of batch) {
      const outcome = byTopic.get(entry.request.topic);
      if (outcome === undefined) {
        entry.reject(new JobFailedError(`${this.kind} batch returned no outcome for topic ${entry.request.topic}`));
      } else if (outcome.ok) entry.resolve(outcome.result);
      else entry.reject(outcome.error);
    }
  }
}

/**
 * The per-topic job calls of the runs over a batch `JobRunner`: requests of one kind gather
 * and start together as one engine run (one Glue job run for every topic with work). A
 * batch starts at max(first request + `gatherMs`, previous start of that kind +
 * `minIntervalMs`); one batch per kind runs at a time, and requests arriving meanwhile go
 * in the next one. Each call settles with its own topic's outcome, so a failing topic
 * fails only its own run's step. An aborted signal withdraws a request not started yet;
 * `close()` withdraws every such request (`JobWithdrawnError`) and waits for the batches
 * running. Rebuild requests (reprocess runs) gather in lanes of their own, beside the routine ones.
 */
export class JobBatcher implements TopicJobs {
  private readonly curation: Lane<CurationRequest, CurationResult>;
  private readonly semantic: Lane<SemanticRequest, SemanticResult>;
  private readonly curationRebuild: Lane<CurationRequest, CurationResult>;
  private readonly semanticRebuild: Lane<SemanticRequest, SemanticResult>;

  constructor(runner: JobRunner, options: JobBatcherOptions) {
    const curations: BatchRun<CurationRequest, CurationResult> = (requests, signal) =>
      runner.runCurations(requests, signal);
    const semantics: BatchRun<SemanticRequest, SemanticResult> = (requests, signal) =>
      runner.runSemantics(requests, signal);
    this.curation = new Lane('curation', curations, options);
    this.semantic = new Lane('semantic', semantics, options);
    // Rebuilds (reprocess runs) have lanes of their own: a rebuild reads a whole table and may
    // run long, and the other topics' batches must not wait behind it. They are asked for by
    // an operator, so the minimum interval that spaces the routine runs does not hold them.
    const rebuilds = { ...options, minIntervalMs: 0 };
    this.curationRebuild = new Lane('curation', curations, rebuilds, true);
    this.semanticRebuild = new Lane('semantic', semantics, rebuilds, true);
  }

  runCuration(request: CurationRequest, signal?: AbortSignal): Promise<CurationResult> {
    return (request.rebuild ? this.curationRebuild : this.curation).submit(request, signal);
  }

  runSemantic(request: SemanticRequest, signal?: AbortSignal): Promise<SemanticResult> {
    return (request.rebuild ? this.semanticRebuild : this.semantic).submit(request, signal);
  }

  /** Idempotent: every call returns the first call's promise. */
  readonly close: () => Promise<void> = onceAsync(async () => {
    await Promise.all(
      [this.curation, this.semantic, this.curationRebuild, this.semanticRebuild].map((lane) => lane.close()),
    );
  });
}
