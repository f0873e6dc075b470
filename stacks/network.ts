/**
 * The VPC: the services run in its private subnets (egress through NAT, no public IP) with
 * one security group whose only ingress is the metrics port from inside the VPC, so a
 * Prometheus in the VPC can scrape them and nothing else can reach them. Redis accepts
 * connections from the services' group only. S3 and DynamoDB traffic stays on gateway
 * endpoints (free, and off the NAT). With the stage's `vpcEndpoints`, the other AWS APIs the
 * tasks call get interface endpoints ({@link INTERFACE_ENDPOINT_SERVICES}) with private DNS,
 * so the same SDK hostnames resolve inside the VPC; the NAT stays for everything else.
 */
import type { Account } from './account';
import type { StageConfig } from './stage';

/** The port Redis/Valkey listens on (ElastiCache default; the scheduler's URL uses it). */
export const REDIS_PORT = 6379;

/** The VPC's address range (SST's default, stated so that rules can name it). */
export const VPC_CIDR = '10.0.0.0/16';

/**
 * AWS APIs the tasks call, as interface endpoint service names: queues, delivery, image
 * pulls (ECR API and registry; layers come from S3 through the gateway), logs, metrics
 * (PutMetricData), secrets (the Redis URL), STS, and the Glue API (the scheduler starts jobs).
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  'sqs',
  'firehose',
  'ecr.api',
  'ecr.dkr',
  'logs',
  'monitoring',
  'secretsmanager',
  'sts',
  'glue',
] as const;

export function createNetwork(stage: StageConfig, account: Account, metricsPort: number) {
  const vpc = new sst.aws.Vpc('Vpc', {
    nat: stage.nat,
    transform: {
      vpc: (args) => {
        args.cidrBlock = VPC_CIDR;
        return undefined;
      },
      // SST's NAT instance accepts everything from anywhere; it only has to forward the VPC's traffic.
      natSecurityGroup: (args) => {
        args.ingress = [
          {
            description: 'Traffic of the private subnets',
            protocol: '-1',
            fromPort: 0,
            toPort: 0,
            cidrBlocks: [VPC_CIDR],
          },
        ];
        return undefined;
      },
    },
  });
  const cidr = VPC_CIDR;

  const servicesSecurityGroup = new aws.ec2.SecurityGroup('ServicesSecurityGroup', {
    description: 'lean-ops services: metrics port from the VPC only',
    vpcId: vpc.id,
    ingress: [
      {
        description: 'Prometheus scrapes /metrics from inside the VPC',
        protocol: 'tcp',
        fromPort: metricsPort,
        toPort: metricsPort,
        cidrBlocks: [cidr],
      },
    ],
    // AWS APIs (through NAT or the gateway endpoints) and Redis; nothing listens for replies.
    egress: [{ description: 'AWS APIs and Redis', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
  });

  const redisSecurityGroup = new aws.ec2.SecurityGroup('RedisSecurityGroup', {
    description: 'lean-ops Redis: the services only',
    vpcId: vpc.id,
    ingress: [
      {
        description: 'BullMQ from the lean-ops services',
        protocol: 'tcp',
        fromPort: REDIS_PORT,
        toPort: REDIS_PORT,
        securityGroups: [servicesSecurityGroup.id],
      },
    ],
  });

  const routeTableIds = vpc.nodes.privateRouteTables.apply((tables) => tables.map((table) => table.id));
  for (const service of ['s3', 'dynamodb']) {
    new aws.ec2.VpcEndpoint(`${service}GatewayEndpoint`, {
      vpcId: vpc.id,
      serviceName: $interpolate`com.amazonaws.${account.region}.${service}`,
      vpcEndpointType: 'Gateway',
      routeTableIds,
    });
  }

  if (stage.vpcEndpoints) {
    const endpointsSecurityGroup = new aws.ec2.SecurityGroup('EndpointsSecurityGroup', {
      description: 'lean-ops interface endpoints: HTTPS from the VPC',
      vpcId: vpc.id,
      ingress: [
        { description: 'AWS API calls from the VPC', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: [cidr] },
      ],
    });
    // The ADOT sidecar remote-writes to Amazon Managed Prometheus.
    const services = [...INTERFACE_ENDPOINT_SERVICES, ...(stage.managedPrometheus ? ['aps-workspaces'] : [])];
    for (const service of services) {
      new aws.ec2.VpcEndpoint(`${service.replace('.', '-')}InterfaceEndpoint`, {
        vpcId: vpc.id,
        serviceName: $interpolate`com.amazonaws.${account.region}.${service}`,
        vpcEndpointType: 'Interface',
        subnetIds: vpc.privateSubnets,
        securityGroupIds: [endpointsSecurityGroup.id],
        privateDnsEnabled: true,
      });
    }
  }

  return { vpc, cidr, servicesSecurityGroup, redisSecurityGroup };
}
