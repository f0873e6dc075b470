/**
 * The stage's customer-managed KMS key: queues, buckets, tables, delivery streams, the Redis
 * URL secret and the alarm topic are encrypted with it. Losing the key loses the data, so it
 * is retained with the stage's data and deleted only after AWS's longest waiting period.
 */
import type { Account } from './account';
import type { StageConfig } from './stage';

export function createStageKey(stage: StageConfig, account: Account, prefix: string) {
  const retain = stage.removal === 'retain';
  const key = new aws.kms.Key(
    'StageKey',
    {
      description: `${prefix}: data at rest (queues, buckets, tables, streams, secrets, alarms)`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            // The default key policy: IAM policies of this account decide who uses the key.
            Sid: 'AccountIamPoliciesGovernUse',
            Effect: 'Allow',
            Principal: { AWS: $interpolate`arn:${account.partition}:iam::${account.accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            // CloudWatch alarms publish to the encrypted alarm topic; a service principal has no IAM policy.
            Sid: 'CloudWatchAlarmsPublishToAlarmTopic',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
          {
            // The Glue failure rule (EventBridge) publishes to the same encrypted topic.
            Sid: 'EventBridgePublishesToAlarmTopic',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
          // The Managed Prometheus alert manager routes firing alerts to the same topic.
          ...(stage.managedPrometheus
            ? [
                {
                  Sid: 'ManagedPrometheusPublishesToAlarmTopic',
                  Effect: 'Allow',
                  Principal: { Service: 'aps.amazonaws.com' },
                  Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
                  Resource: '*',
                },
              ]
            : []),
        ],
      }),
    },
    { retainOnDelete: retain },
  );
  new aws.kms.Alias('StageKeyAlias', { name: `alias/${prefix}`, targetKeyId: key.keyId });
  return key;
}
