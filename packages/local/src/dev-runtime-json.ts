import { readFileSync, rmSync } from 'node:fs';
import { ConfigError, dataDirLayout, formatZodIssues } from '@lean-ops/core';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.js';
import { isProcessAlive } from './reap-child-servers.js';

const childServerRecordSchema = z.object({
  name: z.string(),
  pid: z.number().int(),
  pgid: z.number().int(),
  identity: z.array(z.string()).readonly(),
});

const queueUrlsSchema = z.object({ url: z.string(), dlqUrl: z.string() });

/**
 * `<data-dir>/dev.json`: what a running `lean-ops dev` tells other commands (its endpoints,
 * for `lean-ops run`, `schema`, `drift`, the lake commands) and a later start (its child
 * servers, to reap after a crash). Written as it starts, removed when it stops normally.
 * Every field but `pid` arrives as its part starts. Unknown keys are ignored.
 */
export const devRuntimeSchema = z.object({
  pid: z.number().int().positive(),
  /** The dev process's command line: a live pid with another command line is not this dev. */
  command: z.string().optional(),
  /** The status page's URL. */
  status: z.string().optional(),
  sqs: z.string().optional(),
  /** What to export so that AWS SDKs and the AWS CLI use the embedded endpoint. */
  aws_endpoint_url_sqs: z.string().optional(),
  queues: z.record(z.string(), queueUrlsSchema).optional(),
  redis: z.string().optional(),
  metrics: z.string().optional(),
  dynamodb: z.string().optional(),
  schedulerPrefix: z.string().optional(),
  /** The child servers (redis-server, DynamoDB Local), their pids and process groups. */
  servers: z.array(childServerRecordSchema).readonly().optional(),
});

export type DevRuntime = Readonly<z.infer<typeof devRuntimeSchema>>;

/** A dev.json that is not JSON or not the shape `lean-ops dev` writes; names the file and the fields. */
export class DevRuntimeFileError extends ConfigError {
  override name = 'DevRuntimeFileError';
  constructor(
    readonly path: string,
    issues: readonly string[],
  ) {
    super(`${path} (written by lean-ops dev; remove it when no lean-ops dev runs on this data dir)`, issues);
  }
}

/** The dev.json of `dataDir`, or undefined when there is none. Throws `DevRuntimeFileError` when malformed. */
export function readDevRuntime(dataDir: string): DevRuntime | undefined {
  const path = dataDirLayout(dataDir).devRuntime;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DevRuntimeFileError(path, [`(root): not JSON: ${(err as Error).message}`]);
  }
  const parsed = devRuntimeSchema.safeParse(json);
  if (!parsed.success) throw new DevRuntimeFileError(path, formatZodIssues(parsed.error, json));
  return parsed.data;
}

/** The dev recorded in `dataDir`'s dev.json if its process still runs, else undefined. */
export function readRunningDev(dataDir: string): DevRuntime | undefined {
  const dev = readDevRuntime(dataDir);
  return dev && isProcessAlive(dev.pid) ? dev : undefined;
}

/** Writes `dataDir`'s dev.json whole (readers never see half of it); never one its readers would reject. */
export async function writeDevRuntime(dataDir: string, runtime: DevRuntime): Promise<void> {
  const path = dataDirLayout(dataDir).devRuntime;
  const checked = devRuntimeSchema.safeParse(runtime);
  if (!checked.success) throw new DevRuntimeFileError(path, formatZodIssues(checked.error, runtime));
  await writeFileAtomic(path, `${JSON.stringify(checked.data, null, 2)}\n`);
}

/** Removes `dataDir`'s dev.json, if any. */
export function removeDevRuntime(dataDir: string): void {
  rmSync(dataDirLayout(dataDir).devRuntime, { force: true });
}
