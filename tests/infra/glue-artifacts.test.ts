import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GLUE_ENTRY_POINTS, GLUE_LIBRARY, glueArtifacts } from '../../stacks/glue-artifacts';
import { builtGlueArtifacts, ROOT } from './sst-harness';

describe('glueArtifacts', () => {
  it('finds everything jobs/glue/package.py builds', () => {
    const dir = builtGlueArtifacts();

    expect(glueArtifacts(ROOT, { LEAN_OPS_GLUE_DIST: dir })).toEqual({
      library: join(dir, GLUE_LIBRARY),
      scripts: {
        bootstrap: join(dir, GLUE_ENTRY_POINTS.bootstrap),
        curation: join(dir, GLUE_ENTRY_POINTS.curation),
        semantic: join(dir, GLUE_ENTRY_POINTS.semantic),
        maintenance: join(dir, GLUE_ENTRY_POINTS.maintenance),
      },
    });
  });

  it('refuses to deploy without them, naming the files and the command that builds them', () => {
    const empty = mkdtempSync(join(tmpdir(), 'lean-ops-no-glue-'));

    expect(() => glueArtifacts(ROOT, { LEAN_OPS_GLUE_DIST: empty })).toThrow(
      `Glue job artifacts missing: ${join(empty, GLUE_LIBRARY)}, ${join(empty, 'bootstrap_job.py')}`,
    );
    expect(() => glueArtifacts(ROOT, { LEAN_OPS_GLUE_DIST: empty })).toThrow(
      `python jobs/glue/package.py --out ${empty}`,
    );
  });

  it('defaults to dist/glue under the root', () => {
    const root = mkdtempSync(join(tmpdir(), 'lean-ops-root-'));

    expect(() => glueArtifacts(root, {})).toThrow(join(root, 'dist', 'glue', GLUE_LIBRARY));
  });
});
