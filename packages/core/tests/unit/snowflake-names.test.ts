import { describe, expect, it } from 'vitest';
import { snowflakeObjectNames, snowflakeScientistView, stageNames } from '../../src/index.js';

const section = { database: 'lean_ops', schema: 'Semantic', includeCurated: true };

describe('snowflakeObjectNames', () => {
  it('carries the stage in the account-level objects, upper case with underscores', () => {
    const names = snowflakeObjectNames('pr-12', section);
    expect(names.catalogIntegration).toBe('LEAN_OPS_PR_12_GLUE_CATALOG');
    expect(names.externalVolume).toBe('LEAN_OPS_PR_12_WAREHOUSE');
    expect(names.awsRoleName).toBe(`${stageNames('pr-12').prefix}-snowflake`);
  });

  it("reads the stage's Glue databases and names tables and views after the topic", () => {
    const names = snowflakeObjectNames('prod', section);
    expect(names.semanticTable('telemetry')).toEqual({
      table: 'LEAN_OPS.SEMANTIC.TELEMETRY',
      glueDatabase: stageNames('prod').databases.semantic,
      glueTable: 'telemetry',
    });
    expect(names.curatedTable('telemetry')).toEqual({
      table: 'LEAN_OPS.SEMANTIC_CURATED.TELEMETRY',
      glueDatabase: stageNames('prod').databases.curated,
      glueTable: 'telemetry',
    });
    expect(names.scientistView('telemetry')).toBe('LEAN_OPS.SEMANTIC.TELEMETRY_SCIENTIST_VIEW');
  });

  it('names the Scientist View from the config alone, as the scheduler does (no stage)', () => {
    expect(snowflakeScientistView(section, 'telemetry')).toBe(
      snowflakeObjectNames('prod', section).scientistView('telemetry'),
    );
    expect(snowflakeScientistView(section, 'telemetry')).toBe('LEAN_OPS.SEMANTIC.TELEMETRY_SCIENTIST_VIEW');
  });

  it('has no curated schema unless includeCurated', () => {
    const names = snowflakeObjectNames('prod', { ...section, includeCurated: false });
    expect(names.curatedSchema).toBeUndefined();
    expect(() => names.curatedTable('telemetry')).toThrow(/includeCurated false/);
  });
});
