import {
  type CurationRequest,
  type CurationResult,
  JobFailedError,
  type JobOutcome,
  type JobRunner,
  parseSemanticSchema,
  type SemanticResult,
} from '@lean-ops/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobBatcher, JobWithdrawnError } from '../../src/job-batcher.js';

interface Call {
  readonly kind: 'curation' | 'semantic';
  readonly topics: string[];
  readonly signal: AbortSignal | undefined;
  answer(outcomes: (topics: string[]) => JobOutcome<unknown>[]): void;
  fail(err: Error): void;
}

/** A scripted engine (the batcher's logic alone; the integration tests run the DuckDB engine): each call waits for the test to answer it. */
function scriptedEngine() {
  const calls: Call[] = [];
  const call = (kind: Call['kind'], requests: readonly { topic: string }[], signal?: AbortSignal) =>
    new Promise<JobOutcome<never>[]>((resolve, reject) => {
      const topics = requests.map((r) => r.topic);
      calls.push({
        kind,
        topics,
        signal,
        answer: (outcomes) => resolve(outcomes(topics) as JobOutcome<never>[]),
        fail: reject,
      });
    });
  const runner: JobRunner = {
    runCurations: (requests, signal) => call('curation', requests, signal),
    runSemantics: (requests, signal) => call('semantic', requests, signal),
  };
  return { runner, calls };
}

const curated = (topic: string): CurationResult => ({
  curated_snapshot: { id: `cur-${topic}`, sequence: 1 },
  records_written: topic.length,
});
const allOk = (topics: string[]) => topics.map((topic) => ({ topic, ok: true as const, result: curated(topic) }));
const request = (topic: string): CurationRequest => ({ topic, from: null, to: { id: `raw-${topic}`, sequence: 2 } });

/** Lets the batcher's promise callbacks run (no timers involved). */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('Class: JobBatcher (fake timers)', () => {
  let engine: ReturnType<typeof scriptedEngine>;

  beforeEach(() => {
    vi.useFakeTimers();
    engine = scriptedEngine();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs rebuilds (reprocess) in a lane of their own: a long rebuild holds no routine batch, and the interval does not hold it', async () => {
    // Prepare: a routine batch ran just now, so the next routine one waits for the minimum interval.
    const batches: [string, string[], boolean][] = [];
    const batcher = new JobBatcher(engine.runner, {
      gatherMs: 100,
      minIntervalMs: 60_000,
      onBatch: (kind, topics, rebuild) => batches.push([kind, [...topics], rebuild]),
    });
    const first = batcher.runCuration(request('a'));
    await vi.advanceTimersByTimeAsync(100);
    engine.calls[0]?.answer(allOk);
    await first;

    // Act: a rebuild arrives and starts after the gather window, not the interval; while it
    // runs, a routine request of another topic starts when the interval allows.
    const rebuild = batcher.runCuration({ ...request('r'), rebuild: true });
    await vi.advanceTimersByTimeAsync(100);
    const routine = batcher.runCuration(request('b'));
    await vi.advanceTimersByTimeAsync(60_000);

    // Assess
    expect(engine.calls.map((call) => call.topics)).toEqual([['a'], ['r'], ['b']]);
    expect(batches).toEqual([
      ['curation', ['a'], false],
      ['curation', ['r'], true],
      ['curation', ['b'], false],
    ]);
    engine.calls[2]?.answer(allOk);
    await expect(routine).resolves.toEqual(curated('b'));
    engine.calls[1]?.answer(allOk);
    await expect(rebuild).resolves.toEqual(curated('r'));
  });

  it('starts the requests of one gather window as one engine call, and gives each topic its own result', async () => {
    // Prepare
    const batcher = new JobBatcher(engine.runner, { gatherMs: 200, minIntervalMs: 0 });

    // Act: a burst of requests within the window.
    const a = batcher.runCuration(request('a'));
    await vi.advanceTimersByTimeAsync(100);
    const b = batcher.runCuration(request('bb'));
    await vi.advanceTimersByTimeAsync(99);
    const c = batcher.runCuration(request('ccc'));
    expect(engine.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(engine.calls.map((call) => [call.kind, call.topics])).toEqual([['curation', ['a', 'bb', 'ccc']]]);
    engine.calls[0]?.answer(allOk);
    await expect(Promise.all([a, b, c])).resolves.toEqual([curated('a'), curated('bb'), curated('ccc')]);
  });

  it('runs one batch per kind at a time: requests arriving meanwhile form the next batch', async () => {
    const batcher = new JobBatcher(engine.runner, { gatherMs: 50, minIntervalMs: 0 });
    const first = batcher.runCuration(request('a'));
    await vi.advanceTimersByTimeAsync(50);
    expect(engine.calls).toHaveLength(1);

    const second = [batcher.runCuration(request('b')), batcher.runCuration(request('c'))];
    const again = batcher.runCuration(request('a')); // the topic of the running batch, next run
    const semantic = batcher.runSemantic({
      topic: 'd',
      from: null,
      to: { id: 'c1', sequence: 1 },
      schema: parseSemanticSchema({ topic: 'd', version: 1, columns: [{ name: 'x', type: 'long' }] }),
    });
    await vi.advanceTimersByTimeAsync(10_000);

    // The semantic lane runs beside the curation lane; the curation lane waits for its batch.
    expect(engine.calls.map((call) => [call.kind, call.topics])).toEqual([
      ['curation', ['a']],
      ['semantic', ['d']],
    ]);
    engine.calls[0]?.answer(allOk);
    await expect(first).resolves.toEqual(curated('a'));
    await settle();
    expect(engine.calls[2]?.topics).toEqual(['b', 'c', 'a']);
    engine.calls[2]?.answer(allOk);
    await expect(Promise.all([...second, again])).resolves.toHaveLength(3);
    const result: SemanticResult = { records_written: 1, records_rejected: 0, undeclared_columns: [] };
    engine.calls[1]?.answer((topics) => topics.map((topic) => ({ topic, ok: true, result })));
    await expect(semantic).resolves.toEqual(result);
  });

  it('keeps the minimum interval between batch starts, the backlog loop’s immediate re-request included', async () => {
    // Prepare
    const batcher = new JobBatcher(engine.runner, { gatherMs: 200, minIntervalMs: 600_000 });
    const first = batcher.runCuration(request('a'));
    await vi.advanceTimersByTimeAsync(200);
    expect(engine.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000); // the engine run takes 30 s
    engine.calls[0]?.answer(allOk);
    await first;

    // Act: the run loops at once (backlog); other topics' commits arrive later.
    const loop = batcher.runCuration(request('a'));
    await vi.advanceTimersByTimeAsync(100_000);
    const others = [batcher.runCuration(request('b')), batcher.runCuration(request('c'))];
    await vi.advanceTimersByTimeAsync(600_000 - 30_000 - 100_000 - 1);

    // Assess: nothing before the interval since the first start; then one batch of all three.
    expect(engine.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.calls.map((call) => call.topics)).toEqual([['a'], ['a', 'b', 'c']]);
    engine.calls[1]?.answer(allOk);
    await expect(Promise.all([loop, ...others])).resolves.toHaveLength(3);
  });

  it('fails only the topic whose outcome failed; the others resolve', async () => {
    const batcher = new JobBatcher(engine.runner, { gatherMs: 10, minIntervalMs: 0 });
    const calls = ['a', 'b', 'c', 'd'].map((t) => batcher.runCuration(request(t)));
    const settled = Promise.allSettled(calls);
    await vi.advanceTimersByTimeAsync(10);

    engine.calls[0]?.answer(() => [
      { topic: 'a', ok: true, result: curated('a') },
      { topic: 'b', ok: false, error: new JobFailedError('curation of b: MERGE failed') },
      { topic: 'c', ok: true, result: curated('c') },
      // no outcome for d
    ]);

    const [a, b, c, d] = await settled;
    expect(a).toEqual({ status: 'fulfilled', value: curated('a') });
    expect(b).toMatchObject({ status: 'rejected', reason: { message: 'curation of b: MERGE failed' } });
    expect(c).toEqual({ status: 'fulfilled', value: curated('c') });
    expect(d).toMatchObject({ status: 'rejected', reason: { name: 'JobFailedError' } });
    expect((d as PromiseRejectedResult).reason.message).toBe('curation batch returned no outcome for topic d');
  });

  it('fails every topic of a batch the engine failed as a whole, and starts the next batch after it', async () => {
    const batcher = new JobBatcher(engine.runner, { gatherMs: 10, minIntervalMs: 0 });
    const settled = Promise.allSettled([batcher.runCuration(request('a')), batcher.runCuration(request('b'))]);
    await vi.advanceTimersByTimeAsync(10);
    const next = batcher.runCuration(request('c'));

    engine.calls[0]?.fail(new JobFailedError('job run jr_1 ended FAILED'));

    expect((await settled).map((s) => s.status)).toEqual(['rejected', 'rejected']);
    await vi.advanceTimersByTimeAsync(10);
    expect(engine.calls[1]?.topics).toEqual(['c']);
    engine.calls[1]?.answer(allOk);
    await expect(next).resolves.toEqual(curated('c'));
  });

  it('withdraws an aborted request not yet started at once; a started batch is not cancelled for one topic', async () => {
    // Prepare
    const batcher = new JobBatcher(engine.runner, { gatherMs: 100, minIntervalMs: 0 });
    const [ca, cb, cc] = [new AbortController(), new AbortController(), new AbortController()];
    const a = batcher.runCuration(request('a'), ca.signal);
    const b = batcher.runCuration(request('b'), cb.signal);
    const c = batcher.runCuration(request('c'), cc.signal);

    // Act: c aborts while waiting; a aborts once its batch started.
    cc.abort(new Error('job cancelled'));
    await expect(c).rejects.toThrow('job cancelled');
    await vi.advanceTimersByTimeAsync(100);
    const call = engine.calls[0];
    expect(call?.topics).toEqual(['a', 'b']);
    ca.abort(new Error('job cancelled'));

    // Assess: the engine run goes on for b (and a settles with its batch) until every topic aborted.
    expect(call?.signal?.aborted).toBe(false);
    cb.abort(new Error('job cancelled'));
    expect(call?.signal?.aborted).toBe(true);
    call?.answer(allOk);
    await expect(Promise.all([a, b])).resolves.toEqual([curated('a'), curated('b')]);
    await expect(batcher.runCuration(request('d'), AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });

  it('close() withdraws waiting requests at once (not held by the minimum interval), awaits the running batch, and is idempotent', async () => {
    // Prepare: a batch running, and a request held by the ten-minute interval.
    const batcher = new JobBatcher(engine.runner, { gatherMs: 0, minIntervalMs: 600_000 });
    const running = batcher.runCuration(request('a'));
    await settle();
    const held = batcher.runCuration(request('b'));
    const heldOutcome = held.catch((err: unknown) => err);

    // Act
    const closing = batcher.close();
    let closed = false;
    void closing.then(() => {
      closed = true;
    });

    // Assess
    const withdrawn = await heldOutcome;
    expect(withdrawn).toBeInstanceOf(JobWithdrawnError);
    expect(withdrawn).toMatchObject({ name: 'JobWithdrawnError', kind: 'curation', topic: 'b' });
    await settle();
    expect(closed).toBe(false);
    engine.calls[0]?.answer(allOk);
    await expect(running).resolves.toEqual(curated('a'));
    await closing;
    expect(batcher.close()).toBe(closing);
    await expect(batcher.runCuration(request('c'))).rejects.toBeInstanceOf(JobWithdrawnError);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(engine.calls).toHaveLength(1);
  });
});
