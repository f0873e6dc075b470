import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@lean-ops/core';
import {
  type ChildServerRecord,
  commandLineOf,
  isProcessAlive,
  reapChildServers,
  writeFileAtomic,
} from '@lean-ops/local';
import type { Logger } from '@lean-ops/logger';

/**
 * `<data-dir>/dev.json`: what a running `lean-ops dev` tells other commands (its endpoints,
 * for `lean-ops run`, `schema`, `drift`) and a later start (its child servers, to reap
 * after a crash). Removed when dev stops normally.
 */
export interface DevRuntime {
  readonly pid: number;
  /** The dev process's command line: a live pid with another command line is not this dev. */
  readonly command?: string;
  readonly status?: string;
  readonly sqs?: string;
  /** What to export so that AWS SDKs and the AWS CLI use the embedded endpoint. */
  readonly aws_endpoint_url_sqs?: string;
  readonly queues?: Readonly<Record<string, { readonly url: string; readonly dlqUrl: string }>>;
  readonly redis?: string;
  readonly metrics?: string;
  readonly dynamodb?: string;
  readonly schedulerPrefix?: string;
  /** The child servers (redis-server, DynamoDB Local), their pids and process groups. */
  readonly servers?: readonly ChildServerRecord[];
}

/** Another `lean-ops dev` still runs on this data dir. */
export class DevAlreadyRunningError extends ConfigError {
  override name = 'DevAlreadyRunningError';
  constructor(dataDir: string, previous: DevRuntime) {
    super('--data-dir', [
      `another lean-ops dev (pid ${previous.pid}${previous.status ? `, ${previous.status}` : ''}) runs on ${dataDir}: stop it first, or pass another --data-dir`,
    ]);
  }
}

function readRuntime(path: string): DevRuntime | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as DevRuntime;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The dev.json of a data dir, written whole each time it changes. */
export class DevRuntimeFile {
  private data: DevRuntime;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    pid: number,
    command: string | undefined,
  ) {
    this.data = { pid, ...(command !== undefined && { command }) };
  }

  /**
   * Takes the data dir for this process: refuses when the dev recorded there still runs,
   * else stops the child servers it left running (a crash, SIGKILL) before anything starts.
   */
  static async claim(dataDir: string, logger: Logger): Promise<DevRuntimeFile> {
    const path = join(dataDir, 'dev.json');
    const previous = readRuntime(path);
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
    const file = new DevRuntimeFile(path, process.pid, await commandLineOf(process.pid));
    await file.update({});
    return file;
  }

  /** Merges `fields` and rewrites the file (writes happen one at a time, in order). */
  update(fields: Partial<Omit<DevRuntime, 'pid' | 'command'>>): Promise<void> {
    this.data = { ...this.data, ...fields };
    const text = `${JSON.stringify(this.data, null, 2)}\n`;
    this.writing = this.writing.then(() => writeFileAtomic(this.path, text));
    return this.writing;
  }

  /** Removes the file once pending writes are done: nothing is left to reap after a normal stop. */
  async remove(): Promise<void> {
    await this.writing.catch(() => undefined);
    rmSync(this.path, { force: true });
  }
}
