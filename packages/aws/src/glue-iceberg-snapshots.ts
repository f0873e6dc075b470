import { gunzipSync } from 'node:zlib';
import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  type LakeCatalog,
  type LakeSnapshots,
  type Layer,
  type PendingRecords,
  PermanentError,
  type SnapshotRef,
  type TableFigures,
} from '@lean-ops/core';
import { errorCode } from './aws-errors.js';
import {
  currentIcebergSnapshot,
  icebergRecordsAddedAfter,
  icebergSnapshotById,
  icebergTableFigures,
} from './iceberg-metadata.js';
import { OptionChecks } from './option-checks.js';
import { parseS3Uri, readS3Object } from './s3-location.js';

export interface GlueIcebergSnapshotsOptions {
  readonly glue: GlueClient;
  readonly s3: S3Client;
  /** Glue databases of each layer's tables (the jobs' `--raw_db`, `--curated_db`, `--semantic_db`). */
  readonly databases: Readonly<Record<Layer, string>>;
}

/** A topic's table in a layer, as the Glue jobs name them (`jobs/glue/lean_ops_jobs/ddl.py`). */
export function glueTableName(topic: string, layer: Layer): string {
  return layer === 'raw' ? `${topic}_staging` : topic;
}

/**
 * Current snapshots of the Iceberg tables in the Glue Data Catalog: the table's
 * `metadata_location` parameter (kept by Iceberg's Glue catalog) names the current metadata
 * file in S3, which holds `current-snapshot-id`, each snapshot's sequence number and the
 * current snapshot's totals (`figures`). A table (or database) that does not exist, or has
 * no snapshot yet, gives null (`figures`: null only when it does not exist). Other Glue and S3
 * errors are passed on; a table that is not Iceberg, or unreadable metadata, is a
 * `PermanentError`.
 */
export class GlueIcebergSnapshots implements LakeSnapshots, PendingRecords, LakeCatalog {
  private readonly glue: GlueClient;
  private readonly s3: S3Client;
  private readonly databases: Readonly<Record<Layer, string>>;
  /**
   * The last metadata file read per table. Iceberg never rewrites a metadata file (each
   * commit writes a new one), so while the catalog names the same location, the RAW
   * watcher's two reads per poll (`current`, then `rawRecordsAfter`) download it once.
   */
  private readonly lastRead = new Map<string, { json: string; location: string }>();

  constructor(options: GlueIcebergSnapshotsOptions) {
    new OptionChecks('GlueIcebergSnapshots options')
      .client('glue', options?.glue)
      .client('s3', options?.s3)
      .nonEmptyString('databases.raw', options?.databases?.raw)
      .nonEmptyString('databases.curated', options?.databases?.curated)
      .nonEmptyString('databases.semantic', options?.databases?.semantic)
      .done();
    this.glue = options.glue;
    this.s3 = options.s3;
    this.databases = { ...options.databases };
  }

  async current(topic: string, layer: Layer): Promise<SnapshotRef | null> {
    const metadata = await this.metadata(topic, layer);
    return metadata && currentIcebergSnapshot(metadata.json, metadata.location);
  }

  /** RAW records appended after `after` (the curation backlog), from the snapshot summaries. */
  async rawRecordsAfter(topic: string, after: SnapshotRef | null): Promise<number> {
    const metadata = await this.metadata(topic, 'raw');
    return metadata ? icebergRecordsAddedAfter(metadata.json, metadata.location, after?.sequence ?? 0) : 0;
  }

  /** Records, data-file bytes and kept snapshots of the table now (reprocessing's dry run). */
  async figures(topic: string, layer: Layer): Promise<TableFigures | null> {
    const metadata = await this.metadata(topic, layer);
    return metadata && icebergTableFigures(metadata.json, metadata.location);
  }

  /** Snapshot `id` of the topic's table, while the metadata keeps it (expired ones are gone). */
  async snapshot(topic: string, layer: Layer, id: string): Promise<SnapshotRef | null> {
    const metadata = await this.metadata(topic, layer);
    return metadata && icebergSnapshotById(metadata.json, metadata.location, id);
  }

  /** The table's current metadata JSON and where it is, or null when the table does not exist. */
  private async metadata(topic: string, layer: Layer): Promise<{ json: string; location: string } | null> {
    const database = this.databases[layer];
    const name = glueTableName(topic, layer);
    const table = `${database}.${name}`;
    let metadataLocation: string | undefined;
    try {
      const out = await this.glue.send(new GetTableCommand({ DatabaseName: database, Name: name }));
      metadataLocation = out.Table?.Parameters?.metadata_location;
    } catch (err) {
      if (errorCode(err) === 'EntityNotFoundException') return null;
      throw err;
    }
    if (metadataLocation === undefined || metadataLocation === '') {
      throw new PermanentError(`GlueIcebergSnapshots: table ${table} has no metadata_location: not an Iceberg table`);
    }
    const location = parseS3Uri(metadataLocation);
    if (location === null) {
      throw new PermanentError(
        `GlueIcebergSnapshots: table ${table} has metadata_location ${metadataLocation}, not in S3`,
      );
    }
    const cached = this.lastRead.get(table);
    if (cached?.location === metadataLocation) return cached;
    const bytes = await readS3Object(this.s3, location);
    const metadata = { json: decodeMetadata(bytes), location: metadataLocation };
    this.lastRead.set(table, metadata);
    return metadata;
  }
}

/** Metadata JSON, gunzipped when the table writes it compressed (`write.metadata.compression-codec=gzip`). */
function decodeMetadata(bytes: Uint8Array): string {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return new TextDecoder().decode(gzipped ? gunzipSync(bytes) : bytes);
}
