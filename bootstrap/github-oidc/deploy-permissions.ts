/**
 * What the GitHub deploy role may do (`sst deploy` / `sst remove` of this app's stacks) and
 * what the read-only diff role adds to AWS's ReadOnlyAccess (`sst diff` on pull requests).
 * Each statement says in its `why` why it is as wide as it is; docs/ci.md lists them.
 *
 * Resource strings may hold CloudFormation pseudo parameters (`${AWS::Partition}`,
 * `${AWS::AccountId}`); template.ts wraps them in `Fn::Sub`.
 */

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A statement and the reason for its breadth (kept out of the rendered policy). */
export interface ExplainedStatement {
  readonly statement: PolicyStatement;
  readonly why: string;
}

export interface DeployScope {
  /** The SST app name (sst.config.ts `name`): SST tags every resource `sst:app=<name>`. */
  readonly app: string;
  /** Regions the stages deploy to (stacks/stage.ts deployTarget); regional calls elsewhere are refused. */
  readonly regions: readonly string[];
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation pseudo parameter, filled by Fn::Sub
const ARN = 'arn:${AWS::Partition}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation pseudo parameter, filled by Fn::Sub
const ACCOUNT = '${AWS::AccountId}';

/** Services whose resources the stacks create directly or through SST components. */
export const STACK_SERVICES = [
  'application-autoscaling',
  'aps',
  'cloudwatch',
  'dynamodb',
  'ec2',
  'ecs',
  'elasticache',
  'events',
  'firehose',
  'glue',
  'kms',
  'lakeformation',
  'logs',
  's3',
  'secretsmanager',
  'servicediscovery',
  'sns',
  'sqs',
] as const;

/** Services the roles the stacks create are passed to (task roles, job roles, stream roles, the NAT instance). */
export const PASSED_TO_SERVICES = [
  'ecs-tasks.amazonaws.com',
  'glue.amazonaws.com',
  'firehose.amazonaws.com',
  'ec2.amazonaws.com',
  'application-autoscaling.amazonaws.com',
] as const;

/** Service-linked roles a first deploy into a fresh account may have to create. */
export const SERVICE_LINKED_ROLES = [
  'ecs.amazonaws.com',
  'elasticache.amazonaws.com',
  'ecs.application-autoscaling.amazonaws.com',
  'servicediscovery.amazonaws.com',
] as const;

const IAM_CREATE = [
  'iam:CreateRole',
  'iam:CreatePolicy',
  'iam:CreateInstanceProfile',
  'iam:TagRole',
  'iam:TagPolicy',
  'iam:TagInstanceProfile',
];
const IAM_MANAGE = [
  'iam:DeleteRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:UntagRole',
  'iam:DeletePolicy',
  'iam:CreatePolicyVersion',
  'iam:DeletePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:UntagPolicy',
  'iam:AddRoleToInstanceProfile',
  'iam:RemoveRoleFromInstanceProfile',
  'iam:DeleteInstanceProfile',
  'iam:UntagInstanceProfile',
];
const IAM_READ = ['iam:Get*', 'iam:List*'];
const IAM_RESOURCES = [
  `${ARN}:iam::${ACCOUNT}:role/*`,
  `${ARN}:iam::${ACCOUNT}:policy/*`,
  `${ARN}:iam::${ACCOUNT}:instance-profile/*`,
];

/** SST's own bootstrap resources: state bucket, asset bucket and image repository, SSM parameters. */
function sstBootstrap(scope: DeployScope): ExplainedStatement[] {
  const inRegions = { StringEquals: { 'aws:RequestedRegion': [...scope.regions] } };
  return [
    {
      why: "SST keeps each stage's state, lock and passphrase in its bootstrap bucket and SSM parameters, and pushes the images to its asset repository; names are SST's (sst-state-*, sst-asset-*, /sst/*).",
      statement: {
        Sid: 'SstBootstrap',
        Effect: 'Allow',
        Action: [
          's3:*',
          'ssm:GetParameter',
          'ssm:GetParameters',
          'ssm:PutParameter',
          'ssm:DeleteParameter',
          'ssm:AddTagsToResource',
          'ecr:*',
        ],
        Resource: [
          `${ARN}:s3:::sst-state-*`,
          `${ARN}:s3:::sst-state-*/*`,
          `${ARN}:s3:::sst-asset-*`,
          `${ARN}:s3:::sst-asset-*/*`,
          `${ARN}:ssm:*:${ACCOUNT}:parameter/sst/*`,
          `${ARN}:ecr:*:${ACCOUNT}:repository/sst-asset*`,
        ],
        Condition: inRegions,
      },
    },
    {
      why: 'ecr:GetAuthorizationToken has no resource-level permissions (docker login to the asset repository).',
      statement: {
        Sid: 'EcrLoginNoResourceLevel',
        Effect: 'Allow',
        Action: ['ecr:GetAuthorizationToken'],
        Resource: ['*'],
        Condition: inRegions,
      },
    },
  ];
}

/** The statements of the deploy role (an inline policy; `sst deploy`, `sst remove`). */
export function deployRoleStatements(scope: DeployScope): ExplainedStatement[] {
  const inRegions = { StringEquals: { 'aws:RequestedRegion': [...scope.regions] } };
  return [
    ...sstBootstrap(scope),
    {
      why:
        'The stacks create VPCs, NAT, ECS, ElastiCache, Cloud Map, SQS, Firehose, Glue, DynamoDB, KMS, S3, SNS, logs, alarms, ' +
        'EventBridge, Secrets Manager, AMP and Lake Formation grants. Many names carry Pulumi/SST random suffixes or are AWS-generated ' +
        '(KMS key ids, subnet and security group ids), and Create*/Describe* calls of EC2, KMS, ECS and others have no resource-level ' +
        'permissions, so the service actions are granted on * but only in the stage regions.',
      statement: {
        Sid: 'StackServicesInStageRegions',
        Effect: 'Allow',
        Action: STACK_SERVICES.map((service) => `${service}:*`),
        Resource: ['*'],
        Condition: inRegions,
      },
    },
    {
      why:
        "Pulumi names the stacks' roles and policies with random suffixes, so IAM writes are scoped by SST's tag instead: a role, policy or " +
        `instance profile may be created only tagged sst:app=${scope.app}.`,
      statement: {
        Sid: 'IamCreateTaggedForApp',
        Effect: 'Allow',
        Action: IAM_CREATE,
        Resource: IAM_RESOURCES,
        Condition: { StringEquals: { 'aws:RequestTag/sst:app': scope.app } },
      },
    },
    {
      why: `…and changed or deleted only while it carries sst:app=${scope.app}; the role cannot touch other apps' IAM.`,
      statement: {
        Sid: 'IamManageTaggedForApp',
        Effect: 'Allow',
        Action: IAM_MANAGE,
        Resource: IAM_RESOURCES,
        Condition: { StringEquals: { 'aws:ResourceTag/sst:app': scope.app } },
      },
    },
    {
      why: 'Reading IAM (Pulumi refreshes roles and policies; the pre-flight reads the caller through iam:GetRole).',
      statement: { Sid: 'IamRead', Effect: 'Allow', Action: IAM_READ, Resource: IAM_RESOURCES },
    },
    {
      why: "ECS, Glue, Firehose, EC2 (the fck-nat instance) and Application Auto Scaling receive the stacks' roles; PassRole is limited to them.",
      statement: {
        Sid: 'PassRolesToStackServices',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [`${ARN}:iam::${ACCOUNT}:role/*`],
        Condition: { StringEquals: { 'iam:PassedToService': [...PASSED_TO_SERVICES] } },
      },
    },
    {
      why: 'A first deploy into a fresh account creates the service-linked roles of ECS, ElastiCache, ECS autoscaling and Cloud Map.',
      statement: {
        Sid: 'ServiceLinkedRoles',
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole'],
        Resource: [`${ARN}:iam::${ACCOUNT}:role/aws-service-role/*`],
        Condition: { StringEquals: { 'iam:AWSServiceName': [...SERVICE_LINKED_ROLES] } },
      },
    },
    {
      why: "Cloud Map's private DNS namespace creates and deletes a Route 53 private hosted zone with the caller's permissions (Route 53 is global: no region condition).",
      statement: {
        Sid: 'CloudMapPrivateHostedZone',
        Effect: 'Allow',
        Action: [
          'route53:CreateHostedZone',
          'route53:DeleteHostedZone',
          'route53:GetHostedZone',
          'route53:ListHostedZonesByName',
          'route53:ChangeResourceRecordSets',
          'route53:ListResourceRecordSets',
          'route53:GetChange',
          'route53:AssociateVPCWithHostedZone',
          'route53:DisassociateVPCFromHostedZone',
        ],
        Resource: ['*'],
      },
    },
  ];
}

/** Statements the diff role adds to AWS's ReadOnlyAccess managed policy. */
export function diffRoleStatements(scope: DeployScope): ExplainedStatement[] {
  const inRegions = { StringEquals: { 'aws:RequestedRegion': [...scope.regions] } };
  return [
    {
      why: "sst diff reads the stage's state and decrypts it with the passphrase in SSM (a SecureString: kms:Decrypt through SSM only).",
      statement: {
        Sid: 'SstStateRead',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters'],
        Resource: [`${ARN}:ssm:*:${ACCOUNT}:parameter/sst/*`],
        Condition: inRegions,
      },
    },
    {
      why: "…decrypting the SecureString through SSM only (kms:ViaService), so the role cannot decrypt the stage's data.",
      statement: {
        Sid: 'SstPassphraseDecryptViaSsm',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [`${ARN}:kms:*:${ACCOUNT}:key/*`],
        Condition: { StringLike: { 'kms:ViaService': scope.regions.map((region) => `ssm.${region}.amazonaws.com`) } },
      },
    },
    {
      why: 'SST takes the stage lock around a diff too (an object in its state bucket).',
      statement: {
        Sid: 'SstLock',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: [`${ARN}:s3:::sst-state-*/lock/*`],
        Condition: inRegions,
      },
    },
    {
      why:
        "ReadOnlyAccess includes reading data; the diff needs only metadata, so the pipeline's data (objects, messages, items, " +
        'secrets, Lake Formation-vended table credentials) stays out of reach of pull-request code.',
      statement: {
        Sid: 'DenyDataReads',
        Effect: 'Deny',
        Action: [
          's3:GetObject',
          's3:GetObjectVersion',
          'sqs:ReceiveMessage',
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'secretsmanager:GetSecretValue',
          // The diff role is a Lake Formation admin (docs/ci.md): no credentials vended for table data.
          'lakeformation:GetDataAccess',
        ],
        NotResource: [`${ARN}:s3:::sst-state-*/*`, `${ARN}:s3:::sst-asset-*/*`],
      },
    },
  ];
}
