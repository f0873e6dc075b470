import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDirLayout, type EncodedRecord } from '@lean-ops/core';
import { LandingSink } from '@lean-ops/local';
import { encodedMessage } from '@lean-ops/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbLake, LandingCommitter } from '../../src/index.js';

function encoded(i: number): EncodedRecord {
  return encodedMessage('telemetry', i, 1_700_000_000_000 + i);
}

describe('Class: LandingCommitter on a real DuckDB lake and real landing files', () => {
  let lake: DuckDbLake | undefined;
  afterEach(async () => {
    await lake?.close();
    lake = undefined;
  });

  it('status() counts the landed files waiting for RAW, over every topic; committing empties it', async () => {
    const layout = dataDirLayout(mkdtempSync(join(tmpdir(), 'landing-committer-')));
    lake = await DuckDbLake.open({ path: layout.lake });
    await lake.ensureTopic('telemetry');
    const committer = new LandingCommitter({ lake, landingDir: layout.landing, topics: ['telemetry', 'orders'] });
    // No landing folder yet (nothing landed): nothing waits.
    expect(await committer.status()).toEqual({ waitingFiles: 0 });

    const sink = new LandingSink({ dir: layout.landing });
    await sink.putBatch([encoded(1)]);
    await sink.putBatch([encoded(2), encoded(3)]);
    expect(await committer.status()).toEqual({ waitingFiles: 2 });

    const made = await committer.commitOnce();
    expect([...made.keys()]).toEqual(['telemetry']);
    expect(await committer.status()).toEqual({ waitingFiles: 0 });
    expect((await lake.rowCounts('telemetry')).raw).toBe(3);
    await committer.close();
  });

  it('start(onCommitted) tells of each round that made RAW snapshots, with their topics, and not of empty rounds', async () => {
    const layout = dataDirLayout(mkdtempSync(join(tmpdir(), 'landing-committer-')));
    lake = await DuckDbLake.open({ path: layout.lake });
    await lake.ensureTopic('telemetry');
    const committer = new LandingCommitter({ lake, landingDir: layout.landing, topics: ['telemetry'], intervalMs: 20 });
    const rounds: (readonly string[])[] = [];
    let heard: (() => void) | undefined;
    const firstRound = new Promise<void>((resolve) => {
      heard = resolve;
    });
    committer.start((topics) => {
      rounds.push(topics);
      heard?.();
    });
    // Empty rounds pass first (nothing landed): none of them is reported.
    await new Promise((r) => setTimeout(r, 100));
    expect(rounds).toEqual([]);
    await new LandingSink({ dir: layout.landing }).putBatch([encoded(1), encoded(2)]);
    await firstRound;
    expect(rounds).toEqual([['telemetry']]);
    await committer.close();
    expect((await lake.rowCounts('telemetry')).raw).toBe(2);
  });
});
