import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '@lean-ops/core';
import { DuckDbLake } from '@lean-ops/lake';

/**
 * Opens the local lake of a data dir. DuckDB lets one process write a file: while
 * `lean-ops dev` runs it owns the lake, and this says so instead of DuckDB's lock error.
 */
export async function openLocalLake(dataDir: string): Promise<DuckDbLake> {
  const dir = resolve(dataDir);
  const path = join(dir, 'lake.duckdb');
  if (!existsSync(path)) {
    throw new ConfigError('--data-dir', [
      `${dir} holds no lake (lake.duckdb): run lean-ops dev first, or pass --data-dir`,
    ]);
  }
  try {
    return await DuckDbLake.open({ path });
  } catch (err) {
    if (/lock/i.test((err as Error).message)) {
      const dev = join(dir, 'dev.json');
      const who = existsSync(dev)
        ? ` (lean-ops dev, ${readFileSync(dev, 'utf8').match(/"status": "([^"]+)"/)?.[1] ?? 'running'})`
        : '';
      throw new ConfigError('--data-dir', [
        `the lake in ${dir} is open in another process${who}: stop it (Ctrl-C) first, or look at its status page`,
      ]);
    }
    throw err;
  }
}
