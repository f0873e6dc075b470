/**
 * The Glue job artifacts a deploy uploads, built beforehand by `python jobs/glue/package.py`
 * (`dist/glue/`: the `lean_ops_jobs` library zip and the four entry points). A deploy
 * refuses to start without them rather than upload stale or missing code.
 *
 * Plain TypeScript (node:fs only), so tests can call it directly.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GlueJobKind } from './names';

/** Where `python jobs/glue/package.py` writes, relative to the repository root. */
export const GLUE_DIST_DEFAULT = 'dist/glue';

export const GLUE_LIBRARY = 'lean_ops_jobs.zip';

export const GLUE_ENTRY_POINTS: Readonly<Record<GlueJobKind, string>> = {
  bootstrap: 'bootstrap_job.py',
  curation: 'curation_job.py',
  semantic: 'semantic_job.py',
  maintenance: 'maintenance_job.py',
};

export interface GlueArtifacts {
  /** Absolute path of the library zip. */
  readonly library: string;
  /** Absolute path of each job's entry point. */
  readonly scripts: Readonly<Record<GlueJobKind, string>>;
}

/**
 * The built artifacts under `$LEAN_OPS_GLUE_DIST` (default `dist/glue`, relative to `root`).
 *
 * @throws Error listing the missing files and the command that builds them.
 */
export function glueArtifacts(root: string, env: Readonly<Record<string, string | undefined>>): GlueArtifacts {
  const dir = resolve(root, env.LEAN_OPS_GLUE_DIST || GLUE_DIST_DEFAULT);
  const scripts = {
    bootstrap: join(dir, GLUE_ENTRY_POINTS.bootstrap),
    curation: join(dir, GLUE_ENTRY_POINTS.curation),
    semantic: join(dir, GLUE_ENTRY_POINTS.semantic),
    maintenance: join(dir, GLUE_ENTRY_POINTS.maintenance),
  };
  const library = join(dir, GLUE_LIBRARY);
  const missing = [library, ...Object.values(scripts)].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `Glue job artifacts missing: ${missing.join(', ')}; build them with ` +
        `\`python jobs/glue/package.py --out ${dir}\` before deploying`,
    );
  }
  return { library, scripts };
}
