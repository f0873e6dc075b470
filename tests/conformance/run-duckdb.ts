/**
 * Runs one conformance fixture through the DuckDB lake engine and prints what the lake
 * holds afterwards, as JSON on stdout (tests/spark/test_conformance.py compares it with the
 * Spark engine's output for the same fixture).
 *
 *   node --import tsx tests/conformance/run-duckdb.ts <fixture.json> [--rebuild]
 *
 * The fixture is in expanded form: every RAW row has all RAW columns, `json_payload` as
 * text (pytest expands tests/conformance/fixtures/*.json first, so both engines get the
 * same bytes). Each batch is written as one JSON-lines file in the wire form the ingest
 * worker writes (`encodeRawRecord`: timestamps as epoch microseconds) and committed as one RAW
 * snapshot; curation runs after each batch, then the semantic job when the fixture has a
 * schema (a topic without one ends curation-only, as the pipeline run does).
 *
 * With `--rebuild`, the batches are processed as above, then curated is rebuilt in full
 * (from the start up to the RAW head) and, when the fixture has a schema, so is semantic (up
 * to the curated snapshot that rebuild committed); the output has the same shape, so a
 * rebuilt lake compares with a from-scratch one (docs/reprocess.md).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRawRecord, parseSemanticSchema, RAW_COLUMNS, type RawRecord, type SnapshotRef } from '@lean-ops/core';
import { DuckDbLake } from '@lean-ops/lake';

interface Fixture {
  readonly name: string;
  readonly topic: string;
  readonly schema?: unknown;
  readonly batches: readonly (readonly RawRecord[])[];
}

interface TableDump {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
}

function loadFixture(path: string): Fixture {
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as Fixture;
  fixture.batches.forEach((batch, b) => {
    if (batch.length === 0) throw new Error(`batch ${b} is empty: a RAW snapshot needs rows`);
    batch.forEach((row, i) => {
      for (const column of RAW_COLUMNS) {
        if (typeof row[column] !== 'string')
          throw new Error(`batch ${b} row ${i}: ${column} must be text (is the fixture expanded?)`);
      }
    });
  });
  return fixture;
}

/** Every column of a table, timestamps as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, in table order. */
async function dump(lake: DuckDbLake, schema: string, table: string): Promise<TableDump | null> {
  const columns = await lake.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table.replaceAll("'", "''")}' ORDER BY ordinal_position`,
  );
  if (columns.length === 0) return null;
  const select = columns
    .map(({ column_name: c, data_type: t }) => {
      const q = `"${c.replaceAll('"', '""')}"`;
      return t.startsWith('TIMESTAMP') ? `strftime(${q}, '%Y-%m-%dT%H:%M:%S.%fZ') AS ${q}` : q;
    })
    .join(', ');
  const rows = await lake.query<Record<string, unknown>>(`SELECT ${select} FROM ${schema}."${table}"`);
  return { columns: columns.map((c) => c.column_name), rows };
}

async function main(): Promise<void> {
  const [path, ...flags] = process.argv.slice(2);
  const unknown = flags.filter((f) => f !== '--rebuild');
  if (!path || path.startsWith('--') || unknown.length > 0)
    throw new Error(
      `usage: run-duckdb.ts <fixture.json> [--rebuild]${unknown.length > 0 ? ` (unknown: ${unknown.join(' ')})` : ''}`,
    );
  const rebuild = flags.includes('--rebuild');
  const fixture = loadFixture(path);
  const schema = fixture.schema ? parseSemanticSchema(fixture.schema, `schema of fixture ${fixture.name}`) : null;
  const dir = mkdtempSync(join(tmpdir(), 'conformance-duckdb-'));
  const lake = await DuckDbLake.open({ path: join(dir, 'lake.duckdb') });
  try {
    const steps: unknown[] = [];
    let raw: SnapshotRef | null = null;
    let curated: SnapshotRef | null = null;
    let undeclared: readonly string[] | null = null;
    for (const [b, batch] of fixture.batches.entries()) {
      const file = join(dir, `batch-${String(b).padStart(3, '0')}.jsonl`);
      writeFileSync(file, `${batch.map((row) => encodeRawRecord(row).json).join('\n')}\n`);
      const snap = await lake.commitRawFiles(fixture.topic, [file]);
      if (snap === null) throw new Error(`batch ${b} committed no RAW snapshot`);
      const curation = await lake.runCuration(fixture.topic, raw, snap);
      raw = snap;
      let semantic = null;
      if (schema) {
        semantic = await lake.runSemantic(fixture.topic, curated, curation.curated_snapshot, schema);
        undeclared = semantic.undeclared_columns;
      }
      curated = curation.curated_snapshot;
      steps.push({ batch: b, curation: { records_written: curation.records_written }, semantic });
    }
    if (rebuild && raw) {
      const curation = await lake.runCuration(fixture.topic, null, raw, { rebuild: true });
      if (schema) {
        const semantic = await lake.runSemantic(fixture.topic, null, curation.curated_snapshot, schema, {
          rebuild: true,
        });
        undeclared = semantic.undeclared_columns;
      }
    }
    const out = {
      engine: 'duckdb',
      fixture: fixture.name,
      steps,
      curated: await dump(lake, 'curated', fixture.topic),
      curated_rejects: await dump(lake, 'curated', `${fixture.topic}_rejects`),
      semantic: schema ? await dump(lake, 'semantic', fixture.topic) : null,
      semantic_rejects: schema ? await dump(lake, 'semantic', `${fixture.topic}_semantic_rejects`) : null,
      undeclared_columns: undeclared,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`run-duckdb: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
