import { join } from 'node:path';

/** The data dir of local mode when none is configured (`lean-ops dev`, the local lake commands). */
export const DEFAULT_DATA_DIR = '.lean-ops';

/**
 * What a data dir holds, by role: the one place that names its files and folders. The
 * writers and readers of each (the local sink, the lake, `lean-ops dev`, the CLI) take
 * the paths from `dataDirLayout`.
 */
const DATA_DIR_ENTRIES = {
  /** JSON-lines files the local sink lands, per topic, until the lake commits them to RAW. */
  landing: 'landing',
  /** JSON-lines quarantine entries, per topic. */
  quarantine: 'quarantine',
  /** The DuckDB lake: RAW, curated, semantic and their rejects. */
  lake: 'lake.duckdb',
  /** DynamoDB Local's files: checkpoints, schemas, drift log. */
  state: 'state',
  /** The embedded SQS endpoint's journal: queued messages survive a restart. */
  sqs: 'sqs',
  /** What a running `lean-ops dev` tells other commands (see `DevRuntime` in `@lean-ops/local`). */
  devRuntime: 'dev.json',
  /** The log of `lean-ops dev` while its live view holds the terminal. */
  devLog: 'dev.log',
  /** The built-in demo config `lean-ops dev` writes when no config file is given. */
  demoConfig: 'demo.config.json',
  /** What the simulator sent, for the audit. */
  ledger: 'ledger.jsonl',
} as const;

type DataDirEntry = keyof typeof DATA_DIR_ENTRIES;

/** Every path of a data dir, each under `root`. */
export type DataDirLayout = { readonly root: string } & { readonly [K in DataDirEntry]: string };

/** The paths of the data dir `root`, relative when `root` is. */
export function dataDirLayout(root: string): DataDirLayout {
  const paths = Object.fromEntries(
    Object.entries(DATA_DIR_ENTRIES).map(([entry, name]) => [entry, join(root, name)]),
  ) as Record<DataDirEntry, string>;
  return { root, ...paths };
}
