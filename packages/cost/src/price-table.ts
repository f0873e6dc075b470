/**
 * AWS list prices the cost model uses: one region (us-east-1), on-demand, no free tier, no
 * Savings Plans or reserved capacity, first pricing tier only (the model's volumes stay in it).
 *
 * Every entry carries the page it comes from and the date it was read (`read`), and whether the
 * figure was confirmed against a page while writing this table (`confirmed: true`; the `note`
 * says which page when it was a third party quoting AWS) or is AWS's published list price as
 * known to the author and not re-checked that day (`confirmed: false`). Re-read the `source`
 * pages before trusting a total: prices change, and the `read` date says how old the table is.
 *
 * Confirmed on 2026-12-03: Glue standard $0.44 per DPU-hour with a 1-minute minimum (AWS Glue
 * pricing page, its worked example; several third-party pages), Glue Flex (G.1X/G.2X, Glue ≥ 3.0,
 * glueetl; the AWS Big Data blog and the Glue API reference); Fargate x86 $0.04048 per vCPU-hour
 * and $0.004445 per GB-hour; SQS standard $0.40 per million requests, one request per 64 KB chunk;
 * DynamoDB on-demand $0.625 / $0.125 per million WRU / RRU (after the November 2024 cut);
 * interface endpoints $0.01 per GB; NAT Gateway $0.045 per hour and per GB and a t4g.nano at
 * $0.0042 per hour (SST's `Vpc` documentation in .sst/platform, quoting us-east-1); CloudWatch
 * Logs ingestion $0.50 per GB and custom metrics $0.30 per metric-month; Firehose to Iceberg
 * billed per GB ingested without 5 KB rounding at $0.075 per GB (a third-party page quoting the
 * Firehose pricing page).
 * Not re-checked (published list as known): Glue Flex's $0.29 per DPU-hour, ElastiCache Valkey
 * node prices (20 % below Redis OSS nodes), the interface endpoint's $0.01 per AZ-hour, S3
 * Standard storage and request prices, CloudWatch alarms and PutMetricData, Lambda and Step
 * Functions prices.
 */

/** One price: what it costs, per what, where it was read and when. */
export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  /** ISO date the source was read. */
  readonly read: string;
  /** Checked against `source` (or the page named in `note`) when the table was written. */
  readonly confirmed: boolean;
  readonly note?: string;
}

/** The date the table was last read as a whole. */
export const PRICE_TABLE_DATE = '2026-12-03';
export const PRICE_TABLE_REGION = 'us-east-1';

const READ = PRICE_TABLE_DATE;

const GLUE = 'https://aws.amazon.com/glue/pricing/';
const FARGATE = 'https://aws.amazon.com/fargate/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const FIREHOSE = 'https://aws.amazon.com/firehose/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const ELASTICACHE = 'https://aws.amazon.com/elasticache/pricing/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const PRIVATELINK = 'https://aws.amazon.com/privatelink/pricing/';
const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const STEP_FUNCTIONS = 'https://aws.amazon.com/step-functions/pricing/';

const price = (usd: number, per: string, source: string, confirmed: boolean, note?: string): Price => ({
  usd,
  per,
  source,
  read: READ,
  confirmed,
  ...(note === undefined ? {} : { note }),
});

export const PRICES = {
  glueStandardDpuHour: price(0.44, 'DPU-hour, per second, 1-minute minimum per job run', GLUE, true),
  glueFlexDpuHour: price(0.29, 'DPU-hour (Flex), per second, 1-minute minimum per job run', GLUE, false),
  fargateVcpuHour: price(0.04048, 'vCPU-hour (Linux/x86)', FARGATE, true),
  fargateGbHour: price(0.004445, 'GB-hour (Linux/x86)', FARGATE, true),
  sqsRequests: price(0.4, 'million requests (standard queue; each 64 KB chunk of a request is one)', SQS, true),
  firehoseIcebergGb: price(
    0.075,
    'GB ingested into Apache Iceberg tables (no 5 KB rounding)',
    FIREHOSE,
    true,
    'confirmed through a third-party page quoting the Firehose pricing page, not the AWS page itself',
  ),
  s3StorageGbMonth: price(0.023, 'GB-month (S3 Standard, first 50 TB)', S3, false),
  s3PutRequests: price(0.005, '1,000 PUT, COPY, POST or LIST requests', S3, false),
  s3GetRequests: price(0.0004, '1,000 GET requests', S3, false),
  dynamodbWriteRequests: price(0.625, 'million write request units (on-demand)', DYNAMODB, true),
  dynamodbReadRequests: price(0.125, 'million read request units (on-demand)', DYNAMODB, true),
  natGatewayHour: price(0.045, 'NAT Gateway-hour', VPC, true, 'as quoted by SST’s Vpc documentation'),
  natGatewayGb: price(0.045, 'GB processed by a NAT Gateway', VPC, true, 'as quoted by SST’s Vpc documentation'),
  natInstanceHour: price(0.0042, 't4g.nano instance-hour (fck-nat)', EC2, true, 'as quoted by SST’s Vpc documentation'),
  interfaceEndpointAzHour: price(0.01, 'interface endpoint-hour per AZ', PRIVATELINK, false),
  interfaceEndpointGb: price(0.01, 'GB processed by interface endpoints (first PB)', PRIVATELINK, true),
  cloudwatchMetricMonth: price(0.3, 'custom metric-month (first 10,000)', CLOUDWATCH, true),
  cloudwatchAlarmMetricMonth: price(0.1, 'standard-resolution alarm metric-month', CLOUDWATCH, false),
  cloudwatchLogsGb: price(0.5, 'GB of logs ingested (standard class)', CLOUDWATCH, true),
  cloudwatchPutMetricData: price(0.01, '1,000 PutMetricData requests', CLOUDWATCH, false),
  lambdaRequests: price(0.2, 'million requests', LAMBDA, false),
  lambdaGbSecond: price(0.0000166667, 'GB-second (x86)', LAMBDA, false),
  stepFunctionsTransitions: price(0.025, '1,000 state transitions (standard workflows)', STEP_FUNCTIONS, false),
} as const satisfies Record<string, Price>;

/**
 * ElastiCache node-based Valkey, on-demand, per node-hour, without the `cache.` prefix (as
 * stacks/stage.ts names them). Valkey nodes are listed 20 % below the Redis OSS node of the
 * same type ($0.016, $0.032, $0.158 per hour for these three).
 */
export const VALKEY_NODE_HOUR: Readonly<Record<string, Price>> = {
  't4g.micro': price(0.0128, 'cache.t4g.micro node-hour (Valkey)', ELASTICACHE, false),
  't4g.small': price(0.0256, 'cache.t4g.small node-hour (Valkey)', ELASTICACHE, false),
  't4g.medium': price(0.052, 'cache.t4g.medium node-hour (Valkey)', ELASTICACHE, false),
  'm7g.large': price(0.1264, 'cache.m7g.large node-hour (Valkey)', ELASTICACHE, false),
  'r7g.large': price(0.1752, 'cache.r7g.large node-hour (Valkey)', ELASTICACHE, false),
};
