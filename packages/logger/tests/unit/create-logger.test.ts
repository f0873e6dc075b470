import { Writable } from 'node:stream';
import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat } from '../../src/index.js';

const capture = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  return { lines, stream: Object.assign(stream, { write: stream.write.bind(stream) }) };
};

describe('Function: createLogger', () => {
  it('writes one JSON object per line with component, level label and ISO time', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ component: 'ingest', format: 'json', destination: stream });
    logger.info({ topic: 'telemetry', records: 3 }, 'flushed');
    const line = JSON.parse(lines[0] as string);
    expect(line).toMatchObject({ level: 'info', component: 'ingest', topic: 'telemetry', records: 3, msg: 'flushed' });
    expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('serialises errors with name and stack under err', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ component: 'x', format: 'json', destination: stream });
    const err = new RangeError('out');
    logger.error({ err }, 'failed');
    expect(JSON.parse(lines[0] as string).err).toMatchObject({
      type: 'RangeError',
      message: 'out',
      stack: expect.stringContaining('RangeError'),
    });
  });

  it('respects the level', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ component: 'x', format: 'json', level: 'warn', destination: stream });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toHaveLength(1);
  });

  it('writes readable text in pretty format', () => {
    const { lines, stream } = capture();
    createLogger({ component: 'dev', format: 'pretty', destination: stream }).info({ topic: 't' }, 'hello');
    expect(lines.join('\n')).toMatch(/INFO.*hello/);
    expect(() => JSON.parse(lines[0] as string)).toThrow();
  });

  it('rejects an unknown format, naming the option', () =>
    expect(() => createLogger({ component: 'x', format: 'xml' as LogFormat })).toThrow(ConfigError));
});
