import { describe, expect, it } from 'vitest';
import { parseSemanticSchema, SchemaError } from '../../src/index.js';

const schema = (columns: unknown[], extra: Record<string, unknown> = {}) => ({
  topic: 'telemetry',
  version: 1,
  columns,
  ...extra,
});

describe('Function: parseSemanticSchema — contract §5 format', () => {
  it('accepts the contract example and defaults required to false', () => {
    const parsed = parseSemanticSchema(
      schema([
        { name: 'temperature', type: 'double', required: true },
        { name: 'status', type: 'string' },
      ]),
    );
    expect(parsed.columns).toEqual([
      { name: 'temperature', type: 'double', required: true },
      { name: 'status', type: 'string', required: false },
    ]);
  });

  const rejects = (input: unknown, pattern: RegExp) => {
    expect(() => parseSemanticSchema(input)).toThrow(SchemaError);
    expect(() => parseSemanticSchema(input)).toThrow(pattern);
  };

  it('names an unknown type', () => rejects(schema([{ name: 't', type: 'float' }]), /columns\[0\]\.type: .*"float"/));
  it('names a bad column name', () =>
    rejects(schema([{ name: 'Temp-C', type: 'double' }]), /columns\[0\]\.name: must be a curated column name/));
  it('rejects a metadata column name', () =>
    rejects(schema([{ name: 'device_id', type: 'string' }]), /payload_<name>/));
  it('rejects duplicate columns', () =>
    rejects(
      schema([
        { name: 'a', type: 'string' },
        { name: 'a', type: 'long' },
      ]),
      /columns\[1\]\.name: duplicate column "a"/,
    ));
  it('rejects an unknown key', () =>
    rejects(schema([{ name: 'a', type: 'string', nullable: true }]), /columns\[0\]\.nullable: unknown key/));
  it('rejects version 0', () => rejects(schema([{ name: 'a', type: 'string' }], { version: 0 }), /version:/));
  it('rejects a bad topic', () => rejects(schema([{ name: 'a', type: 'string' }], { topic: 'Bad' }), /topic:/));
  it('rejects an empty column list', () => rejects(schema([]), /columns:/));
});
