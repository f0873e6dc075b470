import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findJobsSqlDir, JOBS_SQL_DIR, JOBS_SQL_DIR_ENV } from '../../src/index.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lean-ops-jobs-sql-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('Function: findJobsSqlDir', () => {
  it('finds the repository jobs/sql from the sources', () => {
    expect(JOBS_SQL_DIR).toBe(join(import.meta.dirname, '..', '..', '..', '..', 'jobs', 'sql'));
  });

  it('finds the nearest jobs/sql above a bundle, as in the image (/app/dist → /app/jobs/sql)', () => {
    mkdirSync(join(root, 'jobs', 'sql'), { recursive: true });
    writeFileSync(join(root, 'jobs', 'sql', 'dialects.json'), '{}');
    mkdirSync(join(root, 'dist'));

    expect(findJobsSqlDir({}, join(root, 'dist'))).toBe(join(root, 'jobs', 'sql'));
  });

  it('takes the folder from the environment variable, and names it when it holds no dialects.json', () => {
    expect(findJobsSqlDir({ [JOBS_SQL_DIR_ENV]: JOBS_SQL_DIR }, root)).toBe(JOBS_SQL_DIR);
    expect(() => findJobsSqlDir({ [JOBS_SQL_DIR_ENV]: root }, root)).toThrow(
      `${JOBS_SQL_DIR_ENV}: ${root} has no dialects.json`,
    );
  });

  it('says how to point at the folder when there is none above', () => {
    expect(() => findJobsSqlDir({}, root)).toThrow(`set ${JOBS_SQL_DIR_ENV} to the folder`);
  });
});
