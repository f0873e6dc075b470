import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeRawRecord, type RawRecord } from '@lean-ops/core';

/** Every `*.jsonl` file below `dir` (one level of topic folders), oldest first. */
export async function listJsonlFiles(dir: string): Promise<string[]> {
  let topics: string[];
  try {
    topics = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files: string[] = [];
  for (const topic of topics.sort()) {
    const names = await readdir(join(dir, topic)).catch(() => [] as string[]);
    for (const name of names.sort()) if (name.endsWith('.jsonl')) files.push(join(dir, topic, name));
  }
  return files;
}

async function* jsonlLines(dir: string): AsyncGenerator<string> {
  for (const file of await listJsonlFiles(dir)) {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) if (line !== '') yield line;
  }
}

/** Streams the parsed lines of every landed or quarantined file below `dir`. */
export async function* readJsonlTree<T = unknown>(dir: string): AsyncGenerator<T> {
  for await (const line of jsonlLines(dir)) yield JSON.parse(line) as T;
}

/**
 * Streams the RAW records landed below `dir`, decoded from their wire form
 * (`decodeRawRecord`: timestamps are epoch microseconds there, canonical text here).
 */
export async function* readLandedRecords(dir: string): AsyncGenerator<RawRecord> {
  for await (const line of jsonlLines(dir)) yield decodeRawRecord(line);
}
