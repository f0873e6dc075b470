import { randomUUID } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that readers see all of it or nothing, and it survives a
 * crash once this resolves: write a temporary file, fsync it, rename, fsync the folder.
 * This is how the local sink mirrors Firehose landing whole objects.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${randomUUID()}.tmp`);
  const file = await open(temporary, 'wx');
  try {
    await file.writeFile(data, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  const dir = await open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

let sequence = 0;

/** A file name that sorts by time and never repeats across processes: `<ms>-<pid>-<seq>-<rand>`. */
export function uniqueFileName(extension: string, now: number = Date.now()): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${String(now).padStart(14, '0')}-${process.pid}-${String(sequence).padStart(6, '0')}-${randomUUID().slice(0, 8)}${extension}`;
}
