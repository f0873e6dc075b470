/**
 * Read-only checks over Snowflake's role (stacks/snowflake.ts): every action it allows reads,
 * every Lake Formation grant it gets only describes or selects. Each returns the violations
 * (empty when none), so a test can plant a write and see it caught.
 */
import { asList, type PolicyStatement } from './recorded';
import type { RecordedResource } from './sst-harness';

/** Reading actions whose verb is not Get, List or Describe. */
const READ_ACTIONS: ReadonlySet<string> = new Set(['kms:Decrypt']);
const READ_VERBS = /^(Get|List|Describe)[A-Z]/;

/** Lake Formation permissions that change nothing. */
const READ_PERMISSIONS: ReadonlySet<string> = new Set(['DESCRIBE', 'SELECT']);

/** `<sid>: <action>` for every allowed action that is not a read. */
export function writeActions(statements: readonly PolicyStatement[]): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) =>
      asList(s.Action)
        .filter((action) => !READ_ACTIONS.has(action) && !READ_VERBS.test(action.split(':')[1] ?? ''))
        .map((action) => `${s.Sid ?? 'statement'}: ${action}`),
    );
}

/** `<grant>: <permission>` for every Lake Formation permission beyond DESCRIBE and SELECT. */
export function lakeFormationWrites(grants: readonly RecordedResource[]): string[] {
  return grants.flatMap((grant) => {
    const { permissions = [], permissionsWithGrantOptions = [] } = grant.inputs as {
      permissions?: string[];
      permissionsWithGrantOptions?: string[];
    };
    return [
      ...permissions.filter((p) => !READ_PERMISSIONS.has(p)).map((p) => `${grant.name}: ${p}`),
      ...permissionsWithGrantOptions.map((p) => `${grant.name}: ${p} with grant option`),
    ];
  });
}
