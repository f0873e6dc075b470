import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CheckpointConflictError,
  ConfigError,
  type DriftEntry,
  LeanOpsError,
  SchemaError,
  type SemanticSchema,
} from '@lean-ops/core';
import { awsClientConfig, startDynamoDbLocal } from '@lean-ops/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DynamoCheckpointStore,
  DynamoDriftLog,
  DynamoSchemaRegistry,
  ensureStateTables,
  type StateTableNames,
} from '../../src/index.js';
import { sharedServerClient } from '../helpers/shared-setup.js';

const env = sharedServerClient(startDynamoDbLocal, (endpoint) => new DynamoDBClient(awsClientConfig(endpoint)));
afterAll(() => env.dispose());

let tableSetNo = 0;
/** A fresh set of state tables per test, so `list()` over a whole table sees only that test's items. */
async function freshTables(): Promise<{ client: DynamoDBClient; names: StateTableNames }> {
  const { client } = await env.get();
  const prefix = `t${++tableSetNo}`;
  const names = { checkpoints: `${prefix}-checkpoints`, schemas: `${prefix}-schemas`, driftLog: `${prefix}-drift-log` };
  await ensureStateTables(client, names);
  return { client, names };
}

const ref = (id: string, sequence: number) => ({ id, sequence });

/** The error `promise` rejects with; an assertion error when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(outcome)}`);
  return outcome;
}

function schema(topic: string, version: number, columns = ['payload_temp']): SemanticSchema {
  return { topic, version, columns: columns.map((name) => ({ name, type: 'double', required: false })) };
}

function drift(topic: string, column: string, first_seen = '2024-03-01T12:00:00.000Z'): DriftEntry {
  return { topic, column, first_seen, status: 'pending' };
}

describe('Function: ensureStateTables (DynamoDB Local)', () => {
  it('creates the three tables ACTIVE with the agreed keys, and a second call creates none', async () => {
    // Prepare
    const { client } = await env.get();
    const names = { checkpoints: 'ens-checkpoints', schemas: 'ens-schemas', driftLog: 'ens-drift' };

    // Act
    const created = await ensureStateTables(client, names);
    const again = await ensureStateTables(client, names);

    // Assess
    expect([...created].sort()).toEqual(['ens-checkpoints', 'ens-drift', 'ens-schemas']);
    expect(again).toEqual([]);
    const keys = async (table: string) => {
      const out = await client.send(new DescribeTableCommand({ TableName: table }));
      expect(out.Table?.TableStatus).toBe('ACTIVE');
      expect(out.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const types = Object.fromEntries(
        (out.Table?.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]),
      );
      return out.Table?.KeySchema?.map((k) => `${k.AttributeName}:${types[k.AttributeName ?? '']}:${k.KeyType}`);
    };
    expect(await keys('ens-checkpoints')).toEqual(['topic:S:HASH']);
    expect(await keys('ens-schemas')).toEqual(['topic:S:HASH', 'version:N:RANGE']);
    expect(await keys('ens-drift')).toEqual(['topic:S:HASH', 'column:S:RANGE']);
  });

  it('throws ConfigError naming a table that exists with other keys', async () => {
    // Prepare
    const { client } = await env.get();
    await client.send(
      new CreateTableCommand({
        TableName: 'wrong-schemas',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'topic', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'topic', AttributeType: 'S' }],
      }),
    );

    // Act
    const err = await rejection(
      ensureStateTables(client, { checkpoints: 'ok-checkpoints', schemas: 'wrong-schemas', driftLog: 'ok-drift' }),
    );

    // Assess
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/wrong-schemas: exists with key topic \(S, HASH\), expected .*version \(N, RANGE\)/);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain('ok-checkpoints');
  });

  it('throws ConfigError naming a missing table name before calling DynamoDB', async () => {
    const { client } = await env.get();
    const before = await client.send(new ListTablesCommand({}));

    const empty = await rejection(ensureStateTables(client, { checkpoints: 'a', schemas: '', driftLog: 'c' }));
    const same = await rejection(ensureStateTables(client, { checkpoints: 'a', schemas: 'a', driftLog: 'c' }));

    expect(empty.message).toMatch(/names\.schemas: expected a non-empty string/);
    expect(same.message).toMatch(/names: expected a different name per table/);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(before.TableNames);
  });
});

describe('Class: DynamoCheckpointStore (DynamoDB Local)', () => {
  it('throws ConfigError naming the bad option', async () => {
    const { client } = await env.get();

    expect(() => new DynamoCheckpointStore({ client, tableName: '' })).toThrow(
      /tableName: expected a non-empty string/,
    );
    expect(() => new DynamoCheckpointStore({ client: {} as DynamoDBClient, tableName: 't' })).toThrow(ConfigError);
  });

  it('get of an unknown topic returns both checkpoints as null', async () => {
    const { client, names } = await freshTables();
    const store = new DynamoCheckpointStore({ client, tableName: names.checkpoints });

    const checkpoints = await store.get('never-seen');

    expect(checkpoints).toEqual({ curated: null, semantic: null });
  });

  it('advances from null, then from the stored value; the two checkpoints are independent', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const store = new DynamoCheckpointStore({
      client,
      tableName: names.checkpoints,
      now: () => new Date('2024-03-01T12:00:00.000Z'),
    });

    // Act
    await store.advance('telemetry', 'curated', null, ref('8812', 1));
    await store.advance('telemetry', 'curated', ref('8812', 1), ref('-42', 3));
    await store.advance('telemetry', 'semantic', null, ref('77', 1));

    // Assess
    expect(await store.get('telemetry')).toEqual({ curated: ref('-42', 3), semantic: ref('77', 1) });
    const raw = await client.send(
      new GetItemCommand({ TableName: names.checkpoints, Key: { topic: { S: 'telemetry' } } }),
    );
    expect(raw.Item).toEqual({
      topic: { S: 'telemetry' },
      curated_id: { S: '-42' },
      curated_seq: { N: '3' },
      semantic_id: { S: '77' },
      semantic_seq: { N: '1' },
      updated_at: { S: '2024-03-01T12:00:00.000Z' },
    });
  });

  it('refuses a stale expected value with CheckpointConflictError naming topic, checkpoint, expected and stored', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const store = new DynamoCheckpointStore({ client, tableName: names.checkpoints });
    await store.advance('alerts', 'curated', null, ref('a', 1));
    await store.advance('alerts', 'curated', ref('a', 1), ref('b', 2));

    // Act
    const stale = await rejection(store.advance('alerts', 'curated', ref('a', 1), ref('c', 3)));
    const fromNull = await rejection(store.advance('alerts', 'curated', null, ref('c', 3)));

    // Assess
    expect(stale).toBeInstanceOf(CheckpointConflictError);
    expect(stale.message).toBe(
      'curated checkpoint of topic "alerts" not advanced to c@3: the stored checkpoint is not the expected one (expected a@1, stored b@2)',
    );
    expect(fromNull).toBeInstanceOf(CheckpointConflictError);
    expect(fromNull.message).toMatch(/expected null, stored b@2/);
    expect((await store.get('alerts')).curated).toEqual(ref('b', 2));
  });

  it('refuses to move to a lower or the same sequence, even when expected matches', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const store = new DynamoCheckpointStore({ client, tableName: names.checkpoints });
    await store.advance('telemetry', 'semantic', null, ref('s5', 5));

    // Act
    const backwards = await rejection(store.advance('telemetry', 'semantic', ref('s5', 5), ref('s4', 4)));
    const same = await rejection(store.advance('telemetry', 'semantic', ref('s5', 5), ref('other', 5)));

    // Assess
    expect(backwards).toBeInstanceOf(CheckpointConflictError);
    expect(backwards.message).toMatch(/next sequence 4 is not above the stored 5/);
    expect(same).toBeInstanceOf(CheckpointConflictError);
    expect(same.message).toMatch(/next sequence 5 is not above the stored 5/);
    expect((await store.get('telemetry')).semantic).toEqual(ref('s5', 5));
  });

  it('of concurrent advances from the same expected value exactly one wins', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const store = new DynamoCheckpointStore({ client, tableName: names.checkpoints });
    await store.advance('telemetry', 'curated', null, ref('base', 1));

    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.advance('telemetry', 'curated', ref('base', 1), ref(`n${i}`, 2 + i))),
    );

    // Assess
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(CheckpointConflictError);
    }
    expect((await store.get('telemetry')).curated).toEqual(ref(`n${won[0]}`, 2 + (won[0] ?? 0)));
  });

  it('of concurrent first advances from null exactly one wins', async () => {
    const { client, names } = await freshTables();
    const store = new DynamoCheckpointStore({ client, tableName: names.checkpoints });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.advance('fresh', 'semantic', null, ref(`n${i}`, 1))),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  it('rejects malformed arguments with RangeError and writes nothing', async () => {
    const { client, names } = await freshTables();
    const store = new DynamoCheckpointStore({ client, tableName: names.checkpoints });

    await expect(store.advance('t', 'curated', null, ref('x', 1.5))).rejects.toThrow(/next: expected/);
    await expect(store.advance('t', 'curated', ref('', 1), ref('x', 2))).rejects.toThrow(/expected: expected/);
    await expect(store.advance('t', 'raw' as 'curated', null, ref('x', 1))).rejects.toThrow(RangeError);
    await expect(store.get('')).rejects.toThrow(/topic: expected a non-empty string/);
    expect(await store.get('t')).toEqual({ curated: null, semantic: null });
  });
});

describe('Class: DynamoSchemaRegistry (DynamoDB Local)', () => {
  it('registers v1 then v2; latest is v2 and list returns both in order', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const registry = new DynamoSchemaRegistry({ client, tableName: names.schemas });

    // Act
    await registry.register(schema('telemetry', 1));
    await registry.register(schema('telemetry', 2, ['payload_temp', 'payload_humidity']));

    // Assess
    expect(await registry.latest('telemetry')).toEqual(schema('telemetry', 2, ['payload_temp', 'payload_humidity']));
    expect((await registry.list('telemetry')).map((s) => s.version)).toEqual([1, 2]);
    expect(await registry.latest('unknown')).toBeNull();
  });

  it('refuses a version that skips one, or a first version other than 1, with SchemaError naming the versions', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const registry = new DynamoSchemaRegistry({ client, tableName: names.schemas });
    await registry.register(schema('telemetry', 1));

    // Act
    const skipping = await rejection(registry.register(schema('telemetry', 3)));
    const again = await rejection(registry.register(schema('telemetry', 1)));
    const firstAtTwo = await rejection(registry.register(schema('alerts', 2)));

    // Assess
    expect(skipping).toBeInstanceOf(SchemaError);
    expect(skipping.message).toMatch(/version 3 must be 2 \(latest registered version: 1\)/);
    expect(again.message).toMatch(/version 1 must be 2/);
    expect(firstAtTwo.message).toMatch(/version 2 must be 1 \(latest registered version: none\)/);
    expect((await registry.list()).map((s) => `${s.topic}@${s.version}`)).toEqual(['telemetry@1']);
  });

  it('of concurrent registrations of the same version exactly one is stored', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const registry = new DynamoSchemaRegistry({ client, tableName: names.schemas });
    const candidates = Array.from({ length: 8 }, (_, i) => schema('telemetry', 1, [`payload_c${i}`]));

    // Act
    const outcomes = await Promise.allSettled(candidates.map((s) => registry.register(s)));

    // Assess
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(SchemaError);
    }
    expect(await registry.list('telemetry')).toEqual([candidates[won[0] ?? -1]]);
  });

  it('refuses an invalid schema with SchemaError naming the field, and stores nothing', async () => {
    const { client, names } = await freshTables();
    const registry = new DynamoSchemaRegistry({ client, tableName: names.schemas });
    const bad = { topic: 'telemetry', version: 1, columns: [{ name: 'payload_temp', type: 'float' }] };

    const err = await rejection(registry.register(bad as unknown as SemanticSchema));

    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toMatch(/columns\[0\]\.type/);
    expect(await registry.list()).toEqual([]);
  });

  it('lists every topic, by topic then version, across pages', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const registry = new DynamoSchemaRegistry({ client, tableName: names.schemas, pageSize: 2 });
    for (const topic of ['zeta', 'alpha']) {
      for (let v = 1; v <= 3; v++) await registry.register(schema(topic, v));
    }

    // Act
    const all = await registry.list();
    const zeta = await registry.list('zeta');

    // Assess
    expect(all.map((s) => `${s.topic}@${s.version}`)).toEqual([
      'alpha@1',
      'alpha@2',
      'alpha@3',
      'zeta@1',
      'zeta@2',
      'zeta@3',
    ]);
    expect(zeta.map((s) => s.version)).toEqual([1, 2, 3]);
  });

  it('refuses a stored item whose schema names another version (written by hand) with SchemaError', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const registry = new DynamoSchemaRegistry({ client, tableName: names.schemas });
    await client.send(
      new PutItemCommand({
        TableName: names.schemas,
        Item: { topic: { S: 'telemetry' }, version: { N: '2' }, schema: { S: JSON.stringify(schema('telemetry', 1)) } },
      }),
    );

    // Act
    const err = await rejection(registry.latest('telemetry'));

    // Assess
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toMatch(/version 2 in table .*: it names topic "telemetry" version 1/);
  });
});

describe('Class: DynamoDriftLog (DynamoDB Local)', () => {
  it('record returns true for a new (topic, column), false after; the first sighting is kept', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const log = new DynamoDriftLog({ client, tableName: names.driftLog });

    // Act
    const first = await log.record(drift('telemetry', 'payload_new', '2024-03-01T00:00:00.000Z'));
    const second = await log.record(drift('telemetry', 'payload_new', '2024-03-02T00:00:00.000Z'));

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await log.list('telemetry')).toEqual([drift('telemetry', 'payload_new', '2024-03-01T00:00:00.000Z')]);
  });

  it('of concurrent records of one (topic, column) exactly one is new', async () => {
    const { client, names } = await freshTables();
    const log = new DynamoDriftLog({ client, tableName: names.driftLog });

    const results = await Promise.all(Array.from({ length: 10 }, () => log.record(drift('telemetry', '*'))));

    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lists by topic and across topics, by topic then column', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const log = new DynamoDriftLog({ client, tableName: names.driftLog });
    for (const [topic, column] of [
      ['telemetry', 'payload_b'],
      ['alerts', '*'],
      ['telemetry', 'payload_a'],
    ] as const) {
      await log.record(drift(topic, column));
    }

    // Act
    const telemetry = await log.list('telemetry');
    const all = await log.list();

    // Assess
    expect(telemetry.map((e) => e.column)).toEqual(['payload_a', 'payload_b']);
    expect(all.map((e) => `${e.topic}/${e.column}`)).toEqual([
      'alerts/*',
      'telemetry/payload_a',
      'telemetry/payload_b',
    ]);
  });

  it('setStatus approves an entry; an unknown entry is a not_found LeanOpsError', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const log = new DynamoDriftLog({ client, tableName: names.driftLog });
    await log.record(drift('telemetry', 'payload_new'));

    // Act
    await log.setStatus('telemetry', 'payload_new', 'approved');
    const unknown = await rejection(log.setStatus('telemetry', 'payload_other', 'approved'));

    // Assess
    expect(await log.list('telemetry')).toEqual([{ ...drift('telemetry', 'payload_new'), status: 'approved' }]);
    expect(unknown).toBeInstanceOf(LeanOpsError);
    expect(unknown).toMatchObject({ code: 'not_found', message: expect.stringMatching(/payload_other/) });
    expect(await log.list('telemetry')).toHaveLength(1);
  });

  it('list follows pagination: 25 entries with 2 per page', async () => {
    // Prepare
    const { client, names } = await freshTables();
    const log = new DynamoDriftLog({ client, tableName: names.driftLog, pageSize: 2 });
    const columns = Array.from({ length: 25 }, (_, i) => `payload_c${String(i).padStart(2, '0')}`);
    await Promise.all(columns.map((c) => log.record(drift(c < 'payload_c10' ? 'alpha' : 'beta', c))));

    // Act
    const all = await log.list();
    const beta = await log.list('beta');

    // Assess
    expect(all.map((e) => e.column)).toEqual(columns);
    expect(beta).toHaveLength(15);
  });

  it('rejects a bad status and bad options', async () => {
    const { client, names } = await freshTables();
    const log = new DynamoDriftLog({ client, tableName: names.driftLog });

    await expect(log.record({ ...drift('t', 'c'), status: 'done' as 'pending' })).rejects.toThrow(
      /entry.status: expected pending or approved/,
    );
    expect(() => new DynamoDriftLog({ client, tableName: 'x', pageSize: 0 })).toThrow(/pageSize: expected an integer/);
    expect(await log.list()).toEqual([]);
  });
});

describe('Function: startDynamoDbLocal', () => {
  it('keeps tables in the `path` folder across restarts, and stops idempotently', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'ddb-local-'));
    const tables = async (path: string) => {
      const server = await startDynamoDbLocal({ path });
      const client = new DynamoDBClient(awsClientConfig(server.endpoint));
      try {
        return { server, client, names: (await client.send(new ListTablesCommand({}))).TableNames };
      } finally {
        client.destroy();
      }
    };

    try {
      // Act
      const first = await tables(join(dir, 'db'));
      const client = new DynamoDBClient(awsClientConfig(first.server.endpoint));
      await ensureStateTables(client, { checkpoints: 'p-checkpoints', schemas: 'p-schemas', driftLog: 'p-drift' });
      client.destroy();
      await Promise.all([first.server.stop(), first.server.stop()]);
      const second = await tables(join(dir, 'db'));
      await second.server.stop();

      // Assess
      expect(first.names).toEqual([]);
      expect(second.names).toEqual(['p-checkpoints', 'p-drift', 'p-schemas']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails saying how to install Java when `java` is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startDynamoDbLocal()).rejects.toThrow(/java: not found on PATH.*openjdk-17-jre-headless/);
    } finally {
      process.env.PATH = path;
    }
  });
});
