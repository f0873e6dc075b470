import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ConfigError, dataDirLayout } from '@lean-ops/core';
import { DuckDbLake } from '@lean-ops/lake';
import { readDevRuntime } from '@lean-ops/local';

/**
 * Opens the local lake of a data dir. DuckDB lets one process write a file: while
 * `lean-ops dev` runs it owns the lake, and this says so instead of DuckDB's lock error.
 */
export async function openLocalLake(dataDir: string): Promise<DuckDbLake> {
  const layout = dataDirLayout(resolve(dataDir));
  if (!existsSync(layout.lake)) {
    throw new ConfigError('--data-dir', [
      `${layout.root} holds no lake (${basename(layout.lake)}): run lean-ops dev first, or pass --data-dir`,
    ]);
  }
  try {
    return await DuckDbLake.open({ path: layout.lake });
  } catch (err) {
    if (/lock/i.test((err as Error).message)) {
      const dev = readDevRuntime(layout.root);
      const who = dev ? ` (lean-ops dev, ${dev.status ?? 'running'})` : '';
      throw new ConfigError('--data-dir', [
        `the lake in ${layout.root} is open in another process${who}: stop it (Ctrl-C) first, or look at its status page`,
      ]);
    }
    throw err;
  }
}
