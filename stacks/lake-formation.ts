/**
 * Lake Formation grants of the roles that read or write the lake. The databases stay in the
 * account's default mode (IAM decides) unless an administrator switches them to Lake
 * Formation-only access; these grants make that switch safe. Table grants use the database
 * wildcard because the tables are created after deploy, by the bootstrap job; the roles' IAM
 * policies still name each table.
 */

export type DatabasePermission = 'CREATE_TABLE' | 'ALTER' | 'DESCRIBE';
export type TablePermission = 'SELECT' | 'INSERT' | 'DELETE' | 'ALTER' | 'DESCRIBE';

export interface LakeGrant {
  /** The database's name output (not a plain string), so the grant waits for the database. */
  readonly database: $util.Output<string>;
  readonly databasePermissions: readonly DatabasePermission[];
  readonly tablePermissions: readonly TablePermission[];
}

/** One database grant and one all-tables grant per entry of `grants` (keyed by layer). */
export function grantLakeFormation(
  name: string,
  principal: $util.Input<string>,
  grants: Readonly<Record<string, LakeGrant>>,
): void {
  for (const [layer, grant] of Object.entries(grants)) {
    new aws.lakeformation.Permissions(`${name}-${layer}-database`, {
      principal,
      permissions: [...grant.databasePermissions],
      database: { name: grant.database },
    });
    new aws.lakeformation.Permissions(`${name}-${layer}-tables`, {
      principal,
      permissions: [...grant.tablePermissions],
      table: { databaseName: grant.database, wildcard: true },
    });
  }
}
