/**
 * Per-topic IAM statements that stay within IAM's quotas for any number of topics (1 to 200+).
 * A role's inline policies share 10,240 characters and a managed policy holds 6,144; ingest
 * names three ARNs per topic, so 200 topics need ~35,000. Few topics: the statements stay in
 * the role's inline policy. Many: they move into customer-managed policies of as many topics
 * as fit, attached to the role (10 per role by default), still naming every ARN.
 *
 * Sizes are estimated from the physical names (known before deploy) in the longest ARN each
 * service's could have ({@link longestArn}), plus the quotes and comma around it.
 */
import { policyDocument, type Statement } from './iam';

/** The longest partition and region an ARN can carry (`aws-us-gov`, `ap-southeast-4`). */
const LONGEST_PARTITION = 'aws-us-gov';
const LONGEST_REGION = 'ap-southeast-4';

/** The longest ARN `resource` of `service` can have, for size estimates. */
export function longestArn(service: 'sqs' | 'firehose', resource: string): string {
  const path = service === 'firehose' ? `deliverystream/${resource}` : resource;
  return `arn:${LONGEST_PARTITION}:${service}:${LONGEST_REGION}:123456789012:${path}`;
}

/** Per-topic statements stay inline up to this estimate (the rest of the role needs the remainder). */
export const INLINE_BUDGET = 5_000;
/** Per managed policy (IAM: 6,144 without whitespace), leaving ~550 for the statements' frame. */
export const MANAGED_POLICY_BUDGET = 5_600;
/** IAM's default quota of managed policies per role. */
export const MAX_MANAGED_POLICIES_PER_ROLE = 10;

/** `items` in order, grouped so that each group's summed `size` stays within `budget`. */
export function chunkBySize<T>(items: readonly T[], size: (item: T) => number, budget: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && used + n > budget) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface TopicPermissions<T> {
  /** Each topic's ARNs ({@link longestArn}), whose lengths decide where its statements go. */
  readonly arns: (topic: T) => readonly string[];
  /** The statements of a group of topics. */
  readonly statements: (topics: readonly T[]) => Statement[];
}

/** Where a service's per-topic statements go: `inline` into its task role, or managed policies `attachTo` adds. */
export interface PlacedStatements {
  readonly inline: Statement[];
  /** Creates the managed policies (if any) and attaches them to `role`. */
  attachTo(role: aws.iam.Role): void;
}

/**
 * Places the per-topic statements: inline for few topics, else in managed policies named
 * `<name>Topics-<n>`, each holding as many topics as fit.
 *
 * @throws Error when even managed policies would exceed IAM's default of 10 per role.
 */
export function placeTopicStatements<T>(
  name: string,
  topics: readonly T[],
  permissions: TopicPermissions<T>,
): PlacedStatements {
  // `"<arn>",` in the policy JSON.
  const size = (topic: T) => permissions.arns(topic).reduce((sum, arn) => sum + arn.length + 3, 0);
  const total = topics.reduce((sum, topic) => sum + size(topic), 0);
  if (total <= INLINE_BUDGET) return { inline: permissions.statements(topics), attachTo: () => undefined };
  const chunks = chunkBySize(topics, size, MANAGED_POLICY_BUDGET);
  if (chunks.length > MAX_MANAGED_POLICIES_PER_ROLE) {
    throw new Error(
      `${name}: ${topics.length} topics need ${chunks.length} managed policies; IAM allows ` +
        `${MAX_MANAGED_POLICIES_PER_ROLE} per role by default (raise the quota, or use shorter topic names)`,
    );
  }
  return {
    inline: [],
    attachTo: (role) =>
      chunks.forEach((chunk, index) => {
        const part = `${name}Topics-${index + 1}`;
        const policy = new aws.iam.Policy(part, {
          description: `lean-ops ${$app.stage}: ${name} on ${chunk.length} topics (part ${index + 1} of ${chunks.length})`,
          policy: policyDocument(permissions.statements(chunk)),
        });
        new aws.iam.RolePolicyAttachment(part, { role: role.name, policyArn: policy.arn });
      }),
  };
}
