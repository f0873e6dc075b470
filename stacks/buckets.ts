/**
 * The stage's S3 buckets. Each one is SSE-KMS encrypted with the stage key (bucket key on, to
 * keep KMS calls down), blocks every form of public access, refuses plain HTTP in its bucket
 * policy, aborts abandoned multipart uploads and expires what is only kept for a while.
 *
 * - warehouse: the Iceberg tables (`warehouse/<db>.db/<table>/`); Iceberg's own snapshot
 *   expiry decides what is deleted, so no expiration rule touches it.
 * - artifacts: Glue scripts (`glue/`), job results (`job-results/<job>/`), Glue temp files.
 * - quarantine: messages the workers DROP (`quarantine/`).
 * - firehoseErrors: records the delivery streams could not write (`<topic>/…`).
 */
import { denyInsecureTransportPolicy } from './iam';
import { QUARANTINE_PREFIX } from './service-environment';
import type { StageConfig } from './stage';

/** Key prefixes of the artifacts bucket. */
export const ARTIFACTS = { glueCode: 'glue', jobResults: 'job-results', glueTemp: 'glue-temp' } as const;

export interface LifecycleExpiry {
  /** Key prefix the rule applies to; `''` for the whole bucket. */
  readonly prefix: string;
  readonly days: number;
}

/** Multipart uploads a crashed writer leaves behind are billed until aborted. */
const ABORT_MULTIPART_AFTER_DAYS = 7;

function secureBucket(
  name: string,
  args: { stage: StageConfig; keyArn: $util.Input<string>; expiries: readonly LifecycleExpiry[] },
): aws.s3.Bucket {
  const retain = args.stage.removal === 'retain';
  // forceDestroy only where the stage is disposable: a retained bucket is never emptied by Pulumi.
  const bucket = new aws.s3.Bucket(`${name}Bucket`, { forceDestroy: !retain });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${name}Encryption`, {
    bucket: bucket.id,
    rules: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: args.keyArn },
        bucketKeyEnabled: true,
      },
    ],
  });
  const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}PublicAccessBlock`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketPolicy(
    `${name}Policy`,
    {
      bucket: bucket.id,
      policy: denyInsecureTransportPolicy('s3:*', [bucket.arn, $interpolate`${bucket.arn}/*`]),
    },
    { dependsOn: [publicAccess] },
  );
  new aws.s3.BucketLifecycleConfiguration(`${name}Lifecycle`, {
    bucket: bucket.id,
    rules: [
      {
        id: 'abort-incomplete-multipart-uploads',
        status: 'Enabled',
        filter: {},
        abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_AFTER_DAYS },
      },
      ...args.expiries.map((expiry) => ({
        id: `expire-${expiry.prefix.replace(/\/$/, '') || 'all'}`,
        status: 'Enabled',
        filter: { prefix: expiry.prefix },
        expiration: { days: expiry.days },
      })),
    ],
  });
  return bucket;
}

export function createBuckets(stage: StageConfig, keyArn: $util.Input<string>) {
  const days = stage.expirationDays;
  return {
    warehouse: secureBucket('Warehouse', { stage, keyArn, expiries: [] }),
    artifacts: secureBucket('Artifacts', {
      stage,
      keyArn,
      expiries: [
        { prefix: `${ARTIFACTS.jobResults}/`, days: days.jobResults },
        // Spark's scratch files: useless once the run is over.
        { prefix: `${ARTIFACTS.glueTemp}/`, days: ABORT_MULTIPART_AFTER_DAYS },
      ],
    }),
    quarantine: secureBucket('Quarantine', {
      stage,
      keyArn,
      expiries: [{ prefix: `${QUARANTINE_PREFIX}/`, days: days.quarantine }],
    }),
    firehoseErrors: secureBucket('FirehoseErrors', {
      stage,
      keyArn,
      expiries: [{ prefix: '', days: days.firehoseErrors }],
    }),
  };
}

export type Buckets = ReturnType<typeof createBuckets>;
