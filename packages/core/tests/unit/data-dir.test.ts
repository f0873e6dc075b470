import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, dataDirLayout } from '../../src/index.js';

describe('the data-dir layout', () => {
  it('names every file and folder of a data dir under its root, relative when the root is', () => {
    expect(dataDirLayout(DEFAULT_DATA_DIR)).toEqual({
      root: '.lean-ops',
      landing: '.lean-ops/landing',
      quarantine: '.lean-ops/quarantine',
      lake: '.lean-ops/lake.duckdb',
      state: '.lean-ops/state',
      sqs: '.lean-ops/sqs',
      devRuntime: '.lean-ops/dev.json',
      devLog: '.lean-ops/dev.log',
      demoConfig: '.lean-ops/demo.config.json',
      ledger: '.lean-ops/ledger.jsonl',
    });
    expect(dataDirLayout('/data/x').lake).toBe('/data/x/lake.duckdb');
  });
});
