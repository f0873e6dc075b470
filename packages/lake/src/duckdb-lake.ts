import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  ConfigError,
  CURATED_METADATA_COLUMNS,
  type CurationResult,
  JobFailedError,
  type Layer,
  type SemanticResult,
  type SemanticSchema,
  type SnapshotRef,
  type TableFigures,
  TOPIC_NAME_PATTERN,
} from '@lean-ops/core';
import { DUCKDB } from './sql/dialect.js';
import { columnsOfKeys, payloadColumnSelect } from './sql/payload-columns.js';
import { renderJob } from './sql/render.js';
import { semanticSelect, semanticTableColumns } from './sql/semantic-columns.js';
import { TABLE_COLUMNS } from './sql/table-columns.js';

export interface DuckDbLakeOptions {
  /** The lake file; `:memory:` for tests. */
  readonly path: string;
  /** DuckDB's memory cap; above it, work spills to disk. @defaultValue "1GB" */
  readonly memoryLimit?: string;
  /** Called after every statement with its duration (diagnostics, benchmarks). */
  readonly onStatement?: (sql: string, ms: number) => void;
}

/** How a job changes its table (docs/reprocess.md). */
export interface JobMode {
  /**
   * Recompute the keys in scope and replace their stored rows and rejects whatever their
   * versions (`CurationRequest.rebuild`, `SemanticRequest.rebuild`). @defaultValue false
   */
  readonly rebuild?: boolean;
}

export interface LayerRowCounts {
  readonly raw: number;
  readonly curated: number;
  readonly curated_rejects: number;
  readonly semantic: number;
  readonly semantic_rejects: number;
}

/** Columns of the curated table that are not payload columns. */
const CURATED_FIXED = new Set<string>([...CURATED_METADATA_COLUMNS, '_raw_seq']);

const q = DUCKDB.quote;

/**
 * RAW's columns as the landing files hold them (`encodeRawRecord`'s wire form): text, and
 * timestamps as JSON integers of epoch microseconds, read as BIGINT (exact to the digit).
 */
const LANDED_COLUMNS = `{${TABLE_COLUMNS.raw
  .map((c) => `${DUCKDB.literal(c.name)}: ${DUCKDB.literal(c.type === 'timestamp' ? 'BIGINT' : 'VARCHAR')}`)
  .join(', ')}}`;
/** RAW's columns read from the landing files, decoded to the table's types. */
const LANDED_SELECT = TABLE_COLUMNS.raw
  .map((c) => {
    if (c.type === 'string') return q(c.name);
    if (c.type === 'timestamp') return `${DUCKDB.timestampOfMicros(q(c.name))} AS ${q(c.name)}`;
    return `CAST(${q(c.name)} AS ${DUCKDB.sqlType(c.type)})`;
  })
  .join(', ');

/** The columns of the contract's version order (newest_order in jobs/sql/dialects.json). */
const ORDER_COLUMNS = ['idempotency_key', 'event_timestamp', 'publish_time', 'source_message_id'] as const;

/**
 * The local lake: one DuckDB file holding, per topic, the RAW (`raw.<t>_staging`),
 * curated (`curated.<t>`, `curated.<t>_rejects`) and semantic tables, and a snapshot log
 * (`meta.snapshots`) so every commit has a snapshot id and incremental reads between two
 * snapshots work as Iceberg's do. One process owns it (DuckDB has one writer); work stays
 * inside DuckDB, rows never pass through JavaScript.
 */
export class DuckDbLake {
  private closing: Promise<void> | undefined;
  /** One connection, one transaction at a time: callers queue; nested calls run inside the holder's turn. */
  private readonly turn = new AsyncLocalStorage<true>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly ready = new Set<string>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly onStatement: ((sql: string, ms: number) => void) | undefined,
  ) {}

  static async open(options: DuckDbLakeOptions): Promise<DuckDbLake> {
    if (typeof options?.path !== 'string' || options.path === '') {
      throw new ConfigError('DuckDB lake options', ['path: expected a file path or ":memory:"']);
    }
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const instance = await DuckDBInstance.create(options.path);
    const connection = await instance.connect();
    const lake = new DuckDbLake(instance, connection, options.onStatement);
    await lake.exec(`SET TimeZone = 'UTC'; SET memory_limit = ${DUCKDB.literal(options.memoryLimit ?? '1GB')};`);
    await lake.exec(renderJob('duckdb_ddl_meta', DUCKDB));
    return lake;
  }

  /** Creates the topic's tables if they do not exist. */
  async ensureTopic(topic: string): Promise<void> {
    return this.exclusive(async () => {
      if (this.ready.has(topic)) return;
      if (!TOPIC_NAME_PATTERN.test(topic))
        throw new ConfigError('topic', [`"${topic}" is not a topic name (${TOPIC_NAME_PATTERN})`]);
      await this.exec(
        [
          renderJob('duckdb_ddl_raw', DUCKDB, { table: `raw.${q(`${topic}_staging`)}` }),
          renderJob('duckdb_ddl_curated', DUCKDB, { table: `curated.${q(topic)}` }),
          renderJob('duckdb_ddl_curated_rejects', DUCKDB, { table: `curated.${q(`${topic}_rejects`)}` }),
        ].join(';\n'),
      );
      this.ready.add(topic);
    });
  }

  /**
   * Commits landed JSON-lines files (the local sink's output) into the topic's RAW table
   * as one append snapshot. Files committed before (e.g. when the process died after the
   * commit but before it removed them) are skipped, so calling again is harmless.
   * Returns the new snapshot, or null when there was nothing new.
   */
  async commitRawFiles(topic: string, files: readonly string[]): Promise<SnapshotRef | null> {
    return this.exclusive(async () => {
      await this.ensureTopic(topic);
      if (files.length === 0) return null;
      return this.transaction(async () => {
        const list = `[${files.map((f) => DUCKDB.literal(f)).join(', ')}]`;
        const done = await this.rows<{ file: string }>(
          `SELECT file FROM meta.committed_files WHERE topic = ${DUCKDB.literal(topic)} AND list_contains(${list}, file)`,
        );
        const skip = new Set(done.map((r) => r.file));
        const fresh = files.filter((f) => !skip.has(f));
        if (fresh.length === 0) return null;
        const sequence = await this.nextSequence();
        const freshList = `[${fresh.map((f) => DUCKDB.literal(f)).join(', ')}]`;
        const inserted = await this.count(`INSERT INTO raw.${q(`${topic}_staging`)}
          SELECT ${LANDED_SELECT}, ${sequence}
          FROM read_json(${freshList}, format = 'newline_delimited', columns = ${LANDED_COLUMNS})`);
        await this.exec(
          `INSERT INTO meta.committed_files SELECT ${DUCKDB.literal(topic)}, unnest(${freshList}), ${sequence}`,
        );
        await this.logSnapshot(sequence, topic, 'raw', 'append', null, inserted);
        return { id: String(sequence), sequence };
      });
    });
  }

  /** The newest snapshot of a topic's layer, or null before the first commit. */
  async currentSnapshot(topic: string, layer: Layer): Promise<SnapshotRef | null> {
    return this.exclusive(async () => {
      const rows = await this.rows<{ sequence: number }>(
        `SELECT max(sequence)::BIGINT AS sequence FROM meta.snapshots WHERE topic = ${DUCKDB.literal(topic)} AND layer = ${DUCKDB.literal(layer)}`,
      );
      const sequence = rows[0]?.sequence;
      return sequence === null || sequence === undefined ? null : { id: String(sequence), sequence: Number(sequence) };
    });
  }

  /** Snapshot `id` of a topic's layer from the snapshot log, or null when the log has no such snapshot. */
  async snapshot(topic: string, layer: Layer, id: string): Promise<SnapshotRef | null> {
    if (!/^[1-9][0-9]{0,17}$/.test(id)) return null;
    return this.exclusive(async () => {
      const found = await this.count(
        `SELECT count(*) FROM meta.snapshots WHERE topic = ${DUCKDB.literal(topic)} AND layer = ${DUCKDB.literal(layer)} AND sequence = ${id}`,
      );
      return found > 0 ? { id, sequence: Number(id) } : null;
    });
  }

  /**
   * Rows per table of a topic (RAW, curated and its rejects, semantic and its rejects);
   * 0 for a table that does not exist yet. For the live view and the audit.
   */
  async rowCounts(topic: string): Promise<LayerRowCounts> {
    return this.exclusive(async () => {
      await this.ensureTopic(topic);
      const semantic = await this.count(
        `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'semantic' AND table_name = ${DUCKDB.literal(topic)}`,
      );
      const [row] = await this.rows<LayerRowCounts>(
        `SELECT (SELECT count(*) FROM raw.${q(`${topic}_staging`)})::INT AS raw,
                (SELECT count(*) FROM curated.${q(topic)})::INT AS curated,
                (SELECT count(*) FROM curated.${q(`${topic}_rejects`)})::INT AS curated_rejects,
                ${semantic > 0 ? `(SELECT count(*) FROM semantic.${q(topic)})::INT` : '0'} AS semantic,
                ${semantic > 0 ? `(SELECT count(*) FROM semantic.${q(`${topic}_semantic_rejects`)})::INT` : '0'} AS semantic_rejects`,
      );
      return row as LayerRowCounts;
    });
  }

  /** RAW records committed after `after` (all of them when null): the curation backlog. */
  async rawRecordsAfter(topic: string, after: SnapshotRef | null): Promise<number> {
    return this.exclusive(async () => {
      return this.count(
        `SELECT COALESCE(sum(records), 0)::BIGINT FROM meta.snapshots WHERE topic = ${DUCKDB.literal(topic)} AND layer = 'raw' AND sequence > ${after?.sequence ?? 0}`,
      );
    });
  }

  /**
   * The curation job: RAW rows after `from` up to `to` → in-batch newest version per key
   * → schema evolution (new payload keys become STRING columns) → the versions that win
   * against the stored rows replace them in curated (DELETE + INSERT). Rows whose payload
   * does not parse go to `curated.<t>_rejects`. The writes are one transaction.
   *
   * With `rebuild`, the keys RAW (`from`, `to`] holds (every key when `from` is null) are
   * recomputed from all their RAW versions up to `to`: their stored rows and rejects are
   * replaced whatever their versions (curation_rebuild_replace.sql), and the commit is
   * always a new 'rebuild' snapshot.
   */
  async runCuration(
    topic: string,
    from: SnapshotRef | null,
    to: SnapshotRef,
    mode: JobMode = {},
  ): Promise<CurationResult> {
    return this.exclusive(async () => {
      await this.ensureTopic(topic);
      const curated = `curated.${q(topic)}`;
      const raw = `raw.${q(`${topic}_staging`)}`;
      const rebuild = mode.rebuild === true;
      try {
        // Scratch work first, outside the transaction: DuckDB reads temp tables created
        // inside an open transaction from its transaction-local storage, which makes the
        // final INSERT nearly twice as slow. Nothing else runs on the connection meanwhile
        // (exclusive), and the temp tables are only read by this job.
        if (!rebuild) {
          await this.exec(
            `CREATE OR REPLACE TEMP VIEW raw_increment AS SELECT * FROM ${raw} WHERE _snapshot_seq > ${from?.sequence ?? 0} AND _snapshot_seq <= ${to.sequence}`,
          );
        } else if (from) {
          await this.exec(
            `CREATE OR REPLACE TEMP TABLE rebuild_scope AS SELECT DISTINCT idempotency_key FROM ${raw} WHERE _snapshot_seq > ${from.sequence} AND _snapshot_seq <= ${to.sequence}`,
          );
          await this.exec(
            `CREATE OR REPLACE TEMP VIEW raw_increment AS SELECT * FROM ${raw} WHERE _snapshot_seq <= ${to.sequence} AND idempotency_key IN (SELECT idempotency_key FROM rebuild_scope)`,
          );
        } else {
          await this.exec(
            `CREATE OR REPLACE TEMP VIEW raw_increment AS SELECT * FROM ${raw} WHERE _snapshot_seq <= ${to.sequence}`,
          );
        }
        await this.exec(renderJob('curation_parse', DUCKDB));
        // Materialise the parsed increment once: keys, rejects and the batch all read it.
        // json_payload is kept only for rows bound for rejects: copying it costs more than the rest of the job.
        await this.exec(
          'CREATE OR REPLACE TEMP TABLE curation_parsed_rows AS SELECT * REPLACE (CASE WHEN payload_map IS NULL THEN json_payload END AS json_payload) FROM curation_parsed; CREATE OR REPLACE TEMP VIEW curation_parsed AS SELECT * FROM curation_parsed_rows',
        );
        const keys = (await this.rows<{ payload_key: string }>(renderJob('curation_keys', DUCKDB))).map(
          (r) => r.payload_key,
        );
        const batchColumns = columnsOfKeys(keys);
        const existing = await this.payloadColumns(topic);
        const added = [...batchColumns.keys()].filter((c) => !existing.includes(c)).sort();
        // The newest version per key is ranked over the slim order columns and fetched back
        // by row id: carrying every payload value through the window's sort costs twice as
        // much. Only versions that win against the stored row are kept (winners.sql); a
        // rebuild keeps every newest version, as it replaces the stored rows of its scope.
        const newest = DUCKDB.newestPerKey(
          `(SELECT rowid AS _row, ${ORDER_COLUMNS.join(', ')} FROM curation_parsed_rows WHERE payload_map IS NOT NULL) AS valid`,
          ['_row', ...ORDER_COLUMNS],
        );
        await this.exec(
          `CREATE OR REPLACE TEMP TABLE curation_winners AS ${rebuild ? newest : renderJob('winners', DUCKDB, { source: `(${newest})`, target: curated })}`,
        );
        await this.exec(
          renderJob('curation_batch', DUCKDB, {
            raw_seq: String(to.sequence),
            payload_columns: payloadColumnSelect(DUCKDB, [...existing, ...added], batchColumns),
            newest_versions: 'SELECT * FROM curation_parsed_rows WHERE rowid IN (SELECT _row FROM curation_winners)',
          }),
        );
        return await this.transaction(async () => {
          for (const column of added) await this.exec(`ALTER TABLE ${curated} ADD COLUMN ${q(column)} VARCHAR`);
          const inScope = from ? 't.idempotency_key IN (SELECT idempotency_key FROM rebuild_scope)' : 'TRUE';
          if (rebuild) await this.exec(`DELETE FROM curated.${q(`${topic}_rejects`)} AS t WHERE ${inScope}`);
          await this.exec(
            `INSERT INTO curated.${q(`${topic}_rejects`)} SELECT idempotency_key, device_id, source_message_id, json_payload, reason, now(), ${to.sequence} FROM (${renderJob('curation_rejects', DUCKDB)})`,
          );
          const written = await this.count('SELECT count(*) FROM curation_winners');
          if (rebuild) {
            await this.exec(
              renderJob('curation_rebuild_replace', DUCKDB, { curated_table: curated, in_scope: inScope }),
            );
            const sequence = await this.nextSequence();
            await this.logSnapshot(sequence, topic, 'curated', 'rebuild', to.sequence, written);
            return { curated_snapshot: { id: String(sequence), sequence }, records_written: written };
          }
          // Nothing changed (only duplicates or rejects): no new snapshot, as an Iceberg MERGE
          // that writes no files; the scheduler then ends NoNewCuratedData.
          const current = written === 0 ? await this.currentSnapshot(topic, 'curated') : null;
          if (current) return { curated_snapshot: current, records_written: 0 };
          await this.exec(renderJob('curation_replace', DUCKDB, { curated_table: curated }));
          const sequence = await this.nextSequence();
          await this.logSnapshot(sequence, topic, 'curated', 'merge', to.sequence, written);
          return { curated_snapshot: { id: String(sequence), sequence }, records_written: written };
        });
      } catch (err) {
        throw new JobFailedError(
          `${rebuild ? 'curation rebuild' : 'curation'} of ${topic} (${from?.id ?? 'start'} → ${to.id}) failed: ${(err as Error).message}`,
          { cause: err },
        );
      } finally {
        // Free the scratch tables' memory now rather than at the next run.
        await this.exec(
          `DROP VIEW IF EXISTS curation_batch; DROP TABLE IF EXISTS curation_winners; DROP VIEW IF EXISTS curation_parsed; DROP TABLE IF EXISTS curation_parsed_rows${rebuild ? '; DROP TABLE IF EXISTS rebuild_scope' : ''}`,
        ).catch(() => {});
      }
    });
  }

  /**
   * The semantic job: curated rows changed after curated snapshot `from` up to `to`,
   * cast to the schema's types; rows failing governance go to
   * `semantic.<t>_semantic_rejects`, the rest MERGE into `semantic.<t>` (newest wins).
   * Curated columns the schema does not declare are reported, never added. One transaction.
   *
   * With `rebuild`, the keys of those curated rows, and stored keys curated no longer
   * holds (every key when `from` is null), are recomputed: their stored rows and rejects are
   * replaced whatever their versions (semantic_rebuild_replace.sql), a key now failing
   * governance leaves the table, and the commit is a 'rebuild' snapshot. Columns the
   * schema newly declares are added first, so the rebuilt rows fill them (the back-fill).
   */
  async runSemantic(
    topic: string,
    from: SnapshotRef | null,
    to: SnapshotRef,
    schema: SemanticSchema,
    mode: JobMode = {},
  ): Promise<SemanticResult> {
    return this.exclusive(async () => {
      await this.ensureTopic(topic);
      const rebuild = mode.rebuild === true;
      try {
        return await this.transaction(async () => {
          const fromRaw = from ? await this.rawSeqOf(topic, from) : 0;
          const toRaw = await this.rawSeqOf(topic, to);
          const table = `semantic.${q(topic)}`;
          await this.ensureSemanticTables(topic, schema);
          await this.exec(
            `CREATE OR REPLACE TEMP VIEW curated_increment AS SELECT * FROM curated.${q(topic)} WHERE _raw_seq > ${fromRaw} AND _raw_seq <= ${toRaw}`,
          );
          const curatedColumns = await this.payloadColumns(topic);
          const { typed, reason } = semanticSelect(DUCKDB, schema, new Set(curatedColumns));
          await this.exec(renderJob('semantic_check', DUCKDB, { typed_columns: typed, reject_reason: reason }));
          await this.exec(
            'CREATE OR REPLACE TEMP TABLE semantic_checked_rows AS SELECT * FROM semantic_checked; CREATE OR REPLACE TEMP VIEW semantic_checked AS SELECT * FROM semantic_checked_rows',
          );
          const inScope = from
            ? `(t.idempotency_key IN (SELECT idempotency_key FROM curated_increment) OR t.idempotency_key NOT IN (SELECT idempotency_key FROM curated.${q(topic)}))`
            : 'TRUE';
          if (rebuild) await this.exec(`DELETE FROM semantic.${q(`${topic}_semantic_rejects`)} AS t WHERE ${inScope}`);
          const rejected = await this.count(
            `INSERT INTO semantic.${q(`${topic}_semantic_rejects`)} SELECT idempotency_key, device_id, event_timestamp, publish_time, source_message_id, reason, now(), ${toRaw} FROM (${renderJob('semantic_rejects', DUCKDB)})`,
          );
          const columns = semanticTableColumns(schema)
            .map((c) => q(c))
            .join(', ');
          let written: number;
          if (rebuild) {
            written = await this.count('SELECT count(*) FROM semantic_checked WHERE reject_reason IS NULL');
            await this.exec(
              renderJob('semantic_rebuild_replace', DUCKDB, {
                semantic_table: table,
                semantic_columns: columns,
                in_scope: inScope,
              }),
            );
          } else {
            written = await this.count(
              renderJob('semantic_merge', DUCKDB, { semantic_table: table, semantic_columns: columns }),
            );
          }
          const sequence = await this.nextSequence();
          await this.logSnapshot(sequence, topic, 'semantic', rebuild ? 'rebuild' : 'merge', toRaw, written);
          const declared = new Set(schema.columns.map((c) => c.name));
          return {
            records_written: written,
            records_rejected: rejected,
            undeclared_columns: curatedColumns.filter((c) => !declared.has(c)).sort(),
          };
        });
      } catch (err) {
        throw new JobFailedError(
          `${rebuild ? 'semantic rebuild' : 'semantic job'} of ${topic} (${from?.id ?? 'start'} → ${to.id}) failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
    });
  }

  /**
   * What a topic's table of `layer` holds: its rows and its entries in the snapshot log
   * (DuckDB does not tell a table's bytes); null when the table does not exist yet.
   */
  async figures(topic: string, layer: Layer): Promise<TableFigures | null> {
    return this.exclusive(async () => {
      const [schemaName, tableName] = layer === 'raw' ? ['raw', `${topic}_staging`] : [layer, topic];
      const exists = await this.count(
        `SELECT count(*) FROM information_schema.tables WHERE table_schema = ${DUCKDB.literal(schemaName)} AND table_name = ${DUCKDB.literal(tableName)}`,
      );
      if (exists === 0) return null;
      const [row] = await this.rows<{ records: number; snapshots: number }>(
        `SELECT (SELECT count(*) FROM ${schemaName}.${q(tableName)})::BIGINT AS records,
                (SELECT count(*) FROM meta.snapshots WHERE topic = ${DUCKDB.literal(topic)} AND layer = ${DUCKDB.literal(layer)})::BIGINT AS snapshots`,
      );
      return { records: Number(row?.records ?? 0), snapshots: Number(row?.snapshots ?? 0), bytes: null };
    });
  }

  /** Creates the semantic tables, or adds the columns a newer schema version declares. */
  private async ensureSemanticTables(topic: string, schema: SemanticSchema): Promise<void> {
    const table = `semantic.${q(topic)}`;
    await this.exec(
      [
        renderJob('duckdb_ddl_semantic', DUCKDB, { table }),
        renderJob('duckdb_ddl_semantic_rejects', DUCKDB, { table: `semantic.${q(`${topic}_semantic_rejects`)}` }),
      ].join(';\n'),
    );
    const have = new Set(
      (
        await this.rows<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'semantic' AND table_name = ${DUCKDB.literal(topic)}`,
        )
      ).map((r) => r.column_name),
    );
    for (const column of schema.columns) {
      if (!have.has(column.name))
        await this.exec(`ALTER TABLE ${table} ADD COLUMN ${q(column.name)} ${DUCKDB.sqlType(column.type)}`);
    }
  }

  /** The RAW sequence a curated snapshot consumed up to (kept in the snapshot log). */
  private async rawSeqOf(topic: string, curated: SnapshotRef): Promise<number> {
    const rows = await this.rows<{ raw_seq: number }>(
      `SELECT raw_seq FROM meta.snapshots WHERE topic = ${DUCKDB.literal(topic)} AND layer = 'curated' AND sequence = ${curated.sequence}`,
    );
    const rawSeq = rows[0]?.raw_seq;
    if (rawSeq === undefined || rawSeq === null)
      throw new Error(`curated snapshot ${curated.id} of ${topic} is not in the snapshot log`);
    return Number(rawSeq);
  }

  /** Payload columns of the curated table, in table order. */
  async payloadColumns(topic: string): Promise<string[]> {
    return this.exclusive(async () => {
      const rows = await this.rows<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'curated' AND table_name = ${DUCKDB.literal(topic)} ORDER BY ordinal_position`,
      );
      return rows.map((r) => r.column_name).filter((c) => !CURATED_FIXED.has(c));
    });
  }

  /** Runs a query and returns its rows as JSON-safe objects (tests, CLI `query`). */
  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    // In the queue like every other call: between two statements of a job it would read
    // that job's uncommitted rows (one connection, one transaction).
    return this.exclusive(() => this.rows<T>(sql));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.tail; // let the work already queued finish
      this.connection.closeSync();
      this.instance.closeSync();
    })();
    return this.closing;
  }

  private async exec(sql: string): Promise<void> {
    const started = performance.now();
    await this.connection.run(sql);
    this.onStatement?.(sql, performance.now() - started);
  }

  private async rows<T>(sql: string): Promise<T[]> {
    const started = performance.now();
    const reader = await this.connection.runAndReadAll(sql);
    this.onStatement?.(sql, performance.now() - started);
    return reader.getRowObjectsJson() as T[];
  }

  /** Rows changed by an INSERT/UPDATE/MERGE. */
  private async count(sql: string): Promise<number> {
    const started = performance.now();
    const reader = await this.connection.runAndReadAll(sql);
    this.onStatement?.(sql, performance.now() - started);
    const first = reader.getRows()[0]?.[0];
    return first === undefined || first === null ? 0 : Number(first);
  }

  private async nextSequence(): Promise<number> {
    const rows = await this.rows<{ next: number }>(
      'SELECT (COALESCE(max(sequence), 0) + 1)::BIGINT AS next FROM meta.snapshots',
    );
    return Number(rows[0]?.next ?? 1);
  }

  private async logSnapshot(
    sequence: number,
    topic: string,
    layer: Layer,
    operation: string,
    rawSeq: number | null,
    records: number,
  ): Promise<void> {
    await this.exec(
      `INSERT INTO meta.snapshots VALUES (${sequence}, ${DUCKDB.literal(topic)}, ${DUCKDB.literal(layer)}, ${DUCKDB.literal(operation)}, now(), ${rawSeq ?? 'NULL'}, ${records})`,
    );
  }

  /**
   * Runs `work` alone on the connection. Without it two topics' runs would interleave
   * statements inside one DuckDB transaction, and a reader could see a commit that is
   * later rolled back.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.turn.getStore()) return work();
    const run = this.tail.then(() => this.turn.run(true, work));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.exec('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.exec('COMMIT');
      return result;
    } catch (err) {
      await this.exec('ROLLBACK').catch(() => {});
      throw err;
    }
  }
}
