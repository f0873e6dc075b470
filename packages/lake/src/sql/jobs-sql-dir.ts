import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '@lean-ops/core';

/** Overrides where the job SQL is read from. */
export const JOBS_SQL_DIR_ENV = 'LEAN_OPS_JOBS_SQL_DIR';

/**
 * The folder of the job SQL shared with the Glue jobs (`jobs/sql`): `$LEAN_OPS_JOBS_SQL_DIR`
 * when set, else the nearest `jobs/sql` above `from` — the repository's when running from
 * the sources, the image's `/app/jobs/sql` when running the compiled bundle in `/app/dist`.
 */
export function findJobsSqlDir(env: NodeJS.ProcessEnv = process.env, from: string = import.meta.dirname): string {
  const configured = env[JOBS_SQL_DIR_ENV];
  if (configured) {
    const dir = resolve(configured);
    if (!existsSync(join(dir, 'dialects.json'))) {
      throw new ConfigError('job SQL', [`${JOBS_SQL_DIR_ENV}: ${dir} has no dialects.json`]);
    }
    return dir;
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'jobs', 'sql');
    if (existsSync(join(candidate, 'dialects.json'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new ConfigError('job SQL', [
    `jobs/sql (with dialects.json) not found above ${from}: set ${JOBS_SQL_DIR_ENV} to the folder`,
  ]);
}

/** `jobs/sql/` as this process reads it. */
export const JOBS_SQL_DIR = findJobsSqlDir();
