import { gzipSync } from 'node:zlib';
import { CreateDatabaseCommand, CreateTableCommand } from '@aws-sdk/client-glue';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PermanentError } from '@lean-ops/core';
import { afterAll, describe, expect, it } from 'vitest';
import { GlueIcebergSnapshots } from '../../src/index.js';
import { startMotoGlue, stopMotoGlue } from '../helpers/glue.js';
import { icebergMetadataJson, TWO_SNAPSHOTS } from '../helpers/iceberg.js';
import { sharedSetup } from '../helpers/shared-setup.js';

const LAKE = 'lake';
const DATABASES = { raw: 'lean_ops_raw', curated: 'lean_ops_curated', semantic: 'lean_ops_semantic' };

const env = sharedSetup(async () => {
  const context = await startMotoGlue(LAKE);
  for (const name of Object.values(DATABASES)) {
    await context.glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name } }));
  }
  const snapshots = new GlueIcebergSnapshots({ ...context, databases: DATABASES });
  return { ...context, snapshots };
}, stopMotoGlue);
afterAll(() => env.dispose());

interface TableSpec {
  readonly database: string;
  readonly name: string;
  /** The metadata file's body; undefined registers the table without `metadata_location`. */
  readonly metadata?: string | Uint8Array;
  readonly metadataFile?: string;
}

/** Registers a table the way Iceberg's Glue catalog does, its metadata file uploaded to the lake bucket. */
async function registerTable({ database, name, metadata, metadataFile = '00002-5e3f0d4a.metadata.json' }: TableSpec) {
  const { glue, s3 } = await env.get();
  const location = `s3://${LAKE}/warehouse/${database}.db/${name}`;
  const parameters: Record<string, string> = { table_type: 'ICEBERG' };
  if (metadata !== undefined) {
    const key = `warehouse/${database}.db/${name}/metadata/${metadataFile}`;
    await s3.send(new PutObjectCommand({ Bucket: LAKE, Key: key, Body: metadata }));
    parameters.metadata_location = `s3://${LAKE}/${key}`;
    parameters.previous_metadata_location = `s3://${LAKE}/warehouse/${database}.db/${name}/metadata/00001-0c1b.metadata.json`;
  }
  await glue.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableInput: {
        Name: name,
        TableType: 'EXTERNAL_TABLE',
        Parameters: parameters,
        StorageDescriptor: { Location: location, Columns: [{ Name: 'idempotency_key', Type: 'string' }] },
      },
    }),
  );
}

describe('Class: GlueIcebergSnapshots (moto Glue + S3)', () => {
  it('reads the current snapshot of the curated table from the metadata file metadata_location names', async () => {
    // Prepare
    const { snapshots } = await env.get();
    const location = `s3://${LAKE}/warehouse/${DATABASES.curated}.db/telemetry`;
    await registerTable({
      database: DATABASES.curated,
      name: 'telemetry',
      metadata: icebergMetadataJson(location, TWO_SNAPSHOTS, '8930417267512038593'),
    });

    // Act
    const current = await snapshots.current('telemetry', 'curated');

    // Assess: the id is above 2^53 and comes back digit for digit.
    expect(current).toEqual({ id: '8930417267512038593', sequence: 2 });
  });

  it('reads RAW from <topic>_staging and semantic from <topic> in their own databases', async () => {
    const { snapshots } = await env.get();
    await registerTable({
      database: DATABASES.raw,
      name: 'alerts_staging',
      metadata: icebergMetadataJson(
        's3://lake/raw',
        [{ id: '9223372036854775807', sequence: 41 }],
        '9223372036854775807',
      ),
    });
    await registerTable({
      database: DATABASES.semantic,
      name: 'alerts',
      metadata: icebergMetadataJson('s3://lake/sem', [{ id: '9007199254740993', sequence: 3 }], '9007199254740993'),
    });

    expect(await snapshots.current('alerts', 'raw')).toEqual({ id: '9223372036854775807', sequence: 41 });
    expect(await snapshots.current('alerts', 'semantic')).toEqual({ id: '9007199254740993', sequence: 3 });
    expect(await snapshots.current('alerts', 'curated')).toBeNull();
  });

  it('reads gzip-compressed metadata files', async () => {
    const { snapshots } = await env.get();
    await registerTable({
      database: DATABASES.curated,
      name: 'gauges',
      metadata: gzipSync(icebergMetadataJson('s3://lake/g', TWO_SNAPSHOTS, '3051729675574597004')),
      metadataFile: '00002-5e3f0d4a.gz.metadata.json',
    });

    expect(await snapshots.current('gauges', 'curated')).toEqual({ id: '3051729675574597004', sequence: 1 });
  });

  it('returns null for a table that has no snapshot yet (current-snapshot-id -1)', async () => {
    const { snapshots } = await env.get();
    await registerTable({
      database: DATABASES.curated,
      name: 'empty',
      metadata: icebergMetadataJson('s3://lake/e', [], '-1'),
    });

    expect(await snapshots.current('empty', 'curated')).toBeNull();
  });

  it('reads a table’s figures (records, bytes, kept snapshots) from its current metadata, null when it does not exist', async () => {
    // Prepare
    const { snapshots } = await env.get();
    const location = `s3://${LAKE}/warehouse/${DATABASES.semantic}.db/figures`;
    const totals = { 'total-records': '1200', 'total-files-size': '48213' };
    await registerTable({
      database: DATABASES.semantic,
      name: 'figures',
      metadata: icebergMetadataJson(
        location,
        TWO_SNAPSHOTS.map((s, i) => (i === 1 ? { ...s, summary: totals } : s)),
        '8930417267512038593',
      ),
    });

    // Act & Assess
    expect(await snapshots.figures('figures', 'semantic')).toEqual({ records: 1200, snapshots: 2, bytes: 48_213 });
    expect(await snapshots.figures('no_such_topic', 'semantic')).toBeNull();
  });

  it('returns null when the table or its database does not exist', async () => {
    const { glue, s3 } = await env.get();
    const elsewhere = new GlueIcebergSnapshots({
      glue,
      s3,
      databases: { ...DATABASES, semantic: 'no_such_database' },
    });

    expect(await elsewhere.current('no_such_topic', 'curated')).toBeNull();
    expect(await elsewhere.current('telemetry', 'semantic')).toBeNull();
  });

  it('fails with PermanentError for a table that is not Iceberg (no metadata_location)', async () => {
    const { snapshots } = await env.get();
    await registerTable({ database: DATABASES.curated, name: 'plain' });

    await expect(snapshots.current('plain', 'curated')).rejects.toThrow(PermanentError);
    await expect(snapshots.current('plain', 'curated')).rejects.toThrow(
      `GlueIcebergSnapshots: table ${DATABASES.curated}.plain has no metadata_location: not an Iceberg table`,
    );
  });

  it('passes on the S3 error when the metadata file is missing', async () => {
    const { glue, snapshots } = await env.get();
    await glue.send(
      new CreateTableCommand({
        DatabaseName: DATABASES.curated,
        TableInput: { Name: 'lost', Parameters: { metadata_location: `s3://${LAKE}/nowhere/v9.metadata.json` } },
      }),
    );

    await expect(snapshots.current('lost', 'curated')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
