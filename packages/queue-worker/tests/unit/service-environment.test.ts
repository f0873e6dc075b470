import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { buildQuarantine, readServiceEnvironment } from '../../src/index.js';

describe('Function: readServiceEnvironment', () => {
  it('names the component whose environment is wrong', () => {
    const read = () => readServiceEnvironment('DLQ', { LEAN_OPS_SINK: 'kinesis' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/DLQ service environment/);
    expect(read).toThrow(/LEAN_OPS_KINESIS_STREAM: required when LEAN_OPS_SINK=kinesis/);
    expect(() => readServiceEnvironment('ingest', { LEAN_OPS_QUEUES: '[' })).toThrow(/ingest service environment/);
  });

  it('reads the variables, and lets flags win', () => {
    const env = readServiceEnvironment(
      'ingest',
      { LEAN_OPS_QUEUE_PREFIX: 'p-', AWS_REGION: 'eu-west-1', LEAN_OPS_SQS_ENDPOINT: 'http://127.0.0.1:1' },
      { sqsEndpoint: 'http://127.0.0.1:2' },
    );
    expect(env).toMatchObject({
      queuePrefix: 'p-',
      region: 'eu-west-1',
      sqsEndpoint: 'http://127.0.0.1:2',
      sink: 'local',
    });
  });
});

describe('Function: buildQuarantine', () => {
  it('an AWS sink without a bucket is an error about the component', () => {
    const env = readServiceEnvironment('DLQ', { LEAN_OPS_SINK: 'firehose' });
    expect(() => buildQuarantine(env, '/tmp', 'DLQ')).toThrow(
      /DLQ service environment[\s\S]*LEAN_OPS_QUARANTINE_BUCKET/,
    );
  });
});
