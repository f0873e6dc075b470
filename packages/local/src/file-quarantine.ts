import { join } from 'node:path';
import { ConfigError, type Quarantine, type QuarantineEntry, TOPIC_NAME_PATTERN } from '@lean-ops/core';
import { uniqueFileName, writeFileAtomic } from './atomic-file.js';

export interface FileQuarantineOptions {
  /** Quarantine folder; entries land in `<dir>/<topic or _unknown>/*.jsonl`. */
  readonly dir: string;
}

/** Local quarantine: one durable JSON-lines file per `put`, per claimed topic. */
export class FileQuarantine implements Quarantine {
  private readonly dir: string;

  constructor(options: FileQuarantineOptions) {
    if (typeof options?.dir !== 'string' || options.dir === '') {
      throw new ConfigError('file quarantine options', ['dir: expected a folder path']);
    }
    this.dir = options.dir;
  }

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    const byTopic = new Map<string, QuarantineEntry[]>();
    for (const entry of entries) {
      const key = entry.topic !== null && TOPIC_NAME_PATTERN.test(entry.topic) ? entry.topic : '_unknown';
      byTopic.set(key, [...(byTopic.get(key) ?? []), entry]);
    }
    await Promise.all(
      [...byTopic].map(([topic, list]) =>
        writeFileAtomic(
          join(this.dir, topic, uniqueFileName('.jsonl')),
          `${list.map((e) => JSON.stringify(e)).join('\n')}\n`,
        ),
      ),
    );
  }

  async close(): Promise<void> {}
}
