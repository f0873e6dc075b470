import { ConfigError } from '@lean-ops/core';
import {
  commandLineOf,
  type DevRuntime,
  isProcessAlive,
  readDevRuntime,
  reapChildServers,
  removeDevRuntime,
  writeDevRuntime,
} from '@lean-ops/local';
import type { Logger } from '@lean-ops/logger';

export type { DevRuntime } from '@lean-ops/local';

/** Another `lean-ops dev` still runs on this data dir. */
export class DevAlreadyRunningError extends ConfigError {
  override name = 'DevAlreadyRunningError';
  constructor(dataDir: string, previous: DevRuntime) {
    super('--data-dir', [
      `another lean-ops dev (pid ${previous.pid}${previous.status ? `, ${previous.status}` : ''}) runs on ${dataDir}: stop it first, or pass another --data-dir`,
    ]);
  }
}

/** The dev.json of a data dir, written whole each time it changes. */
export class DevRuntimeFile {
  private data: DevRuntime;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dataDir: string,
    pid: number,
    command: string | undefined,
  ) {
    this.data = { pid, ...(command !== undefined && { command }) };
  }

  /**
   * Takes the data dir for this process: refuses when the dev recorded there still runs,
   * else stops the child servers it left running (a crash, SIGKILL) before anything starts.
   * A malformed dev.json is a `DevRuntimeFileError`: what it recorded cannot be trusted to reap.
   */
  static async claim(dataDir: string, logger: Logger): Promise<DevRuntimeFile> {
    const previous = readDevRuntime(dataDir);
    if (previous && previous.pid !== process.pid && isProcessAlive(previous.pid)) {
      const command = await commandLineOf(previous.pid);
      if (command !== undefined && command === previous.command) throw new DevAlreadyRunningError(dataDir, previous);
    }
    if (previous?.servers?.length) {
      const reaped = await reapChildServers(previous.servers);
      for (const server of reaped) {
        logger.warn(
          { server },
          `stopped ${server.name} (pid ${server.pid}) left running by a lean-ops dev that ended abruptly`,
        );
      }
    }
    const file = new DevRuntimeFile(dataDir, process.pid, await commandLineOf(process.pid));
    await file.update({});
    return file;
  }

  /** Merges `fields` and rewrites the file (writes happen one at a time, in order). */
  update(fields: Partial<Omit<DevRuntime, 'pid' | 'command'>>): Promise<void> {
    const data: DevRuntime = { ...this.data, ...fields };
    this.data = data;
    this.writing = this.writing.then(() => writeDevRuntime(this.dataDir, data));
    return this.writing;
  }

  /** Removes the file once pending writes are done: nothing is left to reap after a normal stop. */
  async remove(): Promise<void> {
    await this.writing.catch(() => undefined);
    removeDevRuntime(this.dataDir);
  }
}
