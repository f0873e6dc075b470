import type {
  CurationRequest,
  CurationResult,
  JobOutcome,
  JobRunner,
  LakeSnapshots,
  Layer,
  SemanticRequest,
  SemanticResult,
  SnapshotRef,
} from '@lean-ops/core';
import type { TopicJobs } from '../../src/index.js';

/** Each job call as a batch of one (the run logic's tests; batching has tests of its own). */
export function oneTopicBatches(runner: JobRunner): TopicJobs {
  const only = async <R>(outcomes: Promise<readonly JobOutcome<R>[]>): Promise<R> => {
    const [outcome] = await outcomes;
    if (outcome === undefined) throw new Error('the runner answered no outcome');
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  };
  return {
    runCuration: (request, signal) => only(runner.runCurations([request], signal)),
    runSemantic: (request, signal) => only(runner.runSemantics([request], signal)),
  };
}

/**
 * A scripted stand-in for the lake and its jobs of one topic (unit tests of the run logic
 * only; the integration tests run the DuckDB engine). Curation consumes `pendingRaw` rows.
 */
export class ScriptedLake implements LakeSnapshots, JobRunner {
  raw: SnapshotRef | null = null;
  curated: SnapshotRef | null = null;
  pendingRaw = 0;
  undeclared: string[] = [];
  /** What the semantic job reports as written (drives the backlog rule). */
  semanticWrites = 0;
  /** When set, the next call of this job throws it. */
  failNext: { job: 'curation' | 'semantic'; error: Error } | undefined;
  readonly calls: string[] = [];
  private seq = 100;

  appendRaw(rows: number): SnapshotRef {
    this.seq += 1;
    this.raw = { id: `raw-${this.seq}`, sequence: this.seq };
    this.pendingRaw += rows;
    return this.raw;
  }

  async current(_topic: string, layer: Layer): Promise<SnapshotRef | null> {
    return layer === 'raw' ? this.raw : layer === 'curated' ? this.curated : null;
  }

  async runCurations(requests: readonly CurationRequest[]): Promise<JobOutcome<CurationResult>[]> {
    return Promise.all(requests.map((r) => outcomeOf(r.topic, () => this.curate(r))));
  }

  async runSemantics(requests: readonly SemanticRequest[]): Promise<JobOutcome<SemanticResult>[]> {
    return Promise.all(requests.map((r) => outcomeOf(r.topic, () => this.semantic(r))));
  }

  private async curate(request: CurationRequest): Promise<CurationResult> {
    this.calls.push(`curation${request.rebuild ? '-rebuild' : ''} ${request.from?.id ?? 'start'}→${request.to.id}`);
    this.throwIfScripted('curation');
    const written = this.pendingRaw;
    this.pendingRaw = 0;
    if (written > 0 || this.curated === null) {
      this.seq += 1;
      this.curated = { id: `cur-${this.seq}`, sequence: this.seq };
    }
    return { curated_snapshot: this.curated, records_written: written };
  }

  private async semantic(request: SemanticRequest): Promise<SemanticResult> {
    this.calls.push(`semantic${request.rebuild ? '-rebuild' : ''} ${request.from?.id ?? 'start'}→${request.to.id}`);
    this.throwIfScripted('semantic');
    return {
      records_written: this.semanticWrites,
      records_rejected: 0,
      undeclared_columns: this.undeclared,
    };
  }

  private throwIfScripted(job: 'curation' | 'semantic'): void {
    if (this.failNext?.job === job) {
      const { error } = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }
}

async function outcomeOf<R>(topic: string, run: () => Promise<R>): Promise<JobOutcome<R>> {
  try {
    return { topic, ok: true, result: await run() };
  } catch (err) {
    return { topic, ok: false, error: err as Error };
  }
}
