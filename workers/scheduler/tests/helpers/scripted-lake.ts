import type {
  CurationRequest,
  CurationResult,
  JobRunner,
  LakeSnapshots,
  Layer,
  SemanticRequest,
  SemanticResult,
  SnapshotRef,
} from '@lean-ops/core';

/**
 * A scripted stand-in for the lake and its jobs (unit tests of the run logic only; the
 * integration tests run the DuckDB engine). Curation consumes `pendingRaw` rows.
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

  async runCuration(request: CurationRequest): Promise<CurationResult> {
    this.calls.push(`curation ${request.from?.id ?? 'start'}→${request.to.id}`);
    this.throwIfScripted('curation');
    const written = this.pendingRaw;
    this.pendingRaw = 0;
    if (written > 0 || this.curated === null) {
      this.seq += 1;
      this.curated = { id: `cur-${this.seq}`, sequence: this.seq };
    }
    return { curated_snapshot: this.curated, records_written: written };
  }

  async runSemantic(request: SemanticRequest): Promise<SemanticResult> {
    this.calls.push(`semantic ${request.from?.id ?? 'start'}→${request.to.id}`);
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
