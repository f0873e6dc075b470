/**
 * Valkey (ElastiCache) for BullMQ: cluster mode off (BullMQ's keys are not hash-tagged),
 * `maxmemory-policy noeviction` (evicting a BullMQ key loses or corrupts jobs), TLS and an
 * auth token (SST's Redis component sets both), at-rest encryption with the stage key, in the
 * private subnets behind a security group that admits the services only.
 *
 * The scheduler receives `rediss://default:<token>@<host>:6379` through a Secrets Manager
 * secret (ECS injects it as LEAN_OPS_REDIS_URL), so the token never appears in a task definition.
 */
import { REDIS_PORT } from './network';
import type { StageConfig } from './stage';

/** ElastiCache Valkey engine version; its parameter group family is `valkey8`. */
export const VALKEY_VERSION = '8.0';

export function createRedis(args: {
  stage: StageConfig;
  prefix: string;
  subnets: $util.Input<$util.Input<string>[]>;
  securityGroupId: $util.Input<string>;
  keyArn: $util.Input<string>;
}) {
  const { stage } = args;
  const redis = new sst.aws.Redis('Redis', {
    engine: 'valkey',
    version: VALKEY_VERSION,
    instance: stage.redis.instance,
    cluster: false,
    parameters: { 'maxmemory-policy': 'noeviction' },
    vpc: { subnets: args.subnets, securityGroups: [args.securityGroupId] },
    transform: {
      cluster: (cluster) => {
        cluster.kmsKeyId = args.keyArn;
        cluster.numCacheClusters = 1 + stage.redis.replicas;
        // Failover needs a replica; with one, a node or AZ loss promotes it.
        cluster.automaticFailoverEnabled = stage.redis.replicas > 0;
        cluster.multiAzEnabled = stage.redis.replicas > 0;
        return undefined;
      },
    },
  });
  const url = new aws.secretsmanager.Secret('RedisUrlSecret', {
    name: `${args.prefix}/redis-url`,
    description: 'BullMQ connection URL with the auth token (LEAN_OPS_REDIS_URL of the scheduler)',
    kmsKeyId: args.keyArn,
    // A disposable stage deletes it at once; a retained stage keeps a week to undo a mistake.
    recoveryWindowInDays: stage.removal === 'retain' ? 7 : 0,
  });
  // The token may hold URL-reserved characters (SST draws it from `!&#$^<>-`).
  const token = $output(redis.password).apply((value) => encodeURIComponent(value ?? ''));
  new aws.secretsmanager.SecretVersion('RedisUrlSecretVersion', {
    secretId: url.id,
    secretString: $interpolate`rediss://default:${token}@${redis.host}:${REDIS_PORT}`,
  });
  return { redis, urlSecret: url };
}
