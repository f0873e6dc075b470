/**
 * IAM building blocks. Every statement names its actions and its resources; the infra tests
 * reject a `*` resource on a data service, so a statement that needs `*` (an action without
 * resource-level permissions) is the exception and says so in its `sid`.
 */

/** IAM condition block: operator → key → value(s). */
export type Conditions = Readonly<Record<string, Readonly<Record<string, $util.Input<string> | readonly string[]>>>>;

export interface Statement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly $util.Input<string>[];
  readonly conditions?: Conditions;
}

/** The JSON policy document of `statements` (all `Allow`). */
export function policyDocument(statements: readonly Statement[]): $util.Output<string> {
  return $jsonStringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

function isList(value: $util.Input<string> | readonly string[]): value is readonly string[] {
  return Array.isArray(value);
}

/** The same statements in the shape of SST's `permissions` (task roles of `sst.aws.Service`). */
export function sstPermissions(statements: readonly Statement[]) {
  return statements.map((s) => ({
    actions: [...s.actions],
    resources: [...s.resources],
    conditions: Object.entries(s.conditions ?? {}).flatMap(([test, keys]) =>
      Object.entries(keys).map(([variable, value]) => ({
        test,
        variable,
        values: isList(value) ? [...value] : [value],
      })),
    ),
  }));
}

/**
 * A role that `servicePrincipal` (e.g. `glue.amazonaws.com`) assumes, with one inline policy
 * of `statements` and no managed policies. `assumeConditions` guard against a confused deputy
 * where the service documents a key for it (Firehose: `sts:ExternalId` = the account).
 */
export function serviceRole(
  name: string,
  args: { servicePrincipal: string; description: string; statements: Statement[]; assumeConditions?: Conditions },
): aws.iam.Role {
  return new aws.iam.Role(name, {
    description: args.description,
    assumeRolePolicy: $jsonStringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: args.servicePrincipal },
          Action: 'sts:AssumeRole',
          ...(args.assumeConditions ? { Condition: args.assumeConditions } : {}),
        },
      ],
    }),
    inlinePolicies: [{ name: 'least-privilege', policy: policyDocument(args.statements) }],
  });
}

/** Read and write of customer data encrypted with the stage key (S3 SSE-KMS, SQS, Secrets Manager). */
export function keyUse(sid: string, keyArn: $util.Input<string>): Statement {
  return { sid, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [keyArn] };
}

/** A resource policy refusing every request that is not made over TLS. */
export function denyInsecureTransportPolicy(action: string, resources: $util.Input<string>[]): $util.Output<string> {
  return $jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: action,
        Resource: resources,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}
