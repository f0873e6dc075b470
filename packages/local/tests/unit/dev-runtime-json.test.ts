import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, dataDirLayout } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import {
  type DevRuntime,
  DevRuntimeFileError,
  readDevRuntime,
  readRunningDev,
  removeDevRuntime,
  writeDevRuntime,
} from '../../src/index.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'dev-json-'));

const runtime: DevRuntime = {
  pid: process.pid,
  command: 'node lean-ops dev',
  status: 'http://127.0.0.1:8470',
  redis: 'redis://127.0.0.1:6379',
  queues: { gps: { url: 'http://q/gps', dlqUrl: 'http://q/gps-dlq' } },
  servers: [{ name: 'redis-server', pid: 12, pgid: 11, identity: ['redis-server'] }],
};

describe('dev.json (real files)', () => {
  it('reads back what was written, from <data-dir>/dev.json, and is gone once removed', async () => {
    const dir = dataDir();
    expect(readDevRuntime(dir)).toBeUndefined();
    await writeDevRuntime(dir, runtime);
    expect(JSON.parse(readFileSync(dataDirLayout(dir).devRuntime, 'utf8'))).toEqual(runtime);
    expect(readDevRuntime(dir)).toEqual(runtime);
    expect(readRunningDev(dir)).toEqual(runtime);
    removeDevRuntime(dir);
    expect(existsSync(dataDirLayout(dir).devRuntime)).toBe(false);
    expect(readDevRuntime(dir)).toBeUndefined();
  });

  it('ignores keys it does not know, and a dev whose process is gone is not running', () => {
    const dir = dataDir();
    writeFileSync(dataDirLayout(dir).devRuntime, JSON.stringify({ pid: 2 ** 22 + 1, later: true }));
    expect(readDevRuntime(dir)).toEqual({ pid: 2 ** 22 + 1 });
    expect(readRunningDev(dir)).toBeUndefined();
  });

  it('names the file and the bad field when dev.json is malformed', () => {
    const dir = dataDir();
    const path = dataDirLayout(dir).devRuntime;
    writeFileSync(path, JSON.stringify({ pid: 'one', servers: [{ name: 'redis-server', pid: 1, pgid: 1 }] }));
    const err = (() => {
      try {
        readDevRuntime(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DevRuntimeFileError);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).name).toBe('DevRuntimeFileError');
    expect((err as DevRuntimeFileError).path).toBe(path);
    expect((err as Error).message).toContain(path);
    expect((err as ConfigError).issues).toEqual([
      expect.stringMatching(/^pid: .*expected number/),
      expect.stringMatching(/^servers\[0\]\.identity: .*expected array/),
    ]);
  });

  it('says so when dev.json is not JSON', () => {
    const dir = dataDir();
    writeFileSync(dataDirLayout(dir).devRuntime, '{"pid": 1');
    expect(() => readDevRuntime(dir)).toThrow(/dev\.json[\s\S]*\(root\): not JSON/);
  });

  it('refuses to write what its readers would reject', async () => {
    const dir = dataDir();
    await expect(writeDevRuntime(dir, { pid: 0 })).rejects.toThrow(DevRuntimeFileError);
    await expect(writeDevRuntime(dir, { pid: 0 })).rejects.toThrow(/pid: .*>0/);
    expect(existsSync(dataDirLayout(dir).devRuntime)).toBe(false);
  });
});
