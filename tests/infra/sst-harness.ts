/**
 * Runs the SST app (sst.config.ts) offline under Pulumi mocks, the way `sst deploy` evaluates it:
 * `app({ stage })`, the SST globals, then SST's own runner (`.sst/platform/src/auto/run.ts`, which
 * adds the retain-on-delete transformation for `removal: 'retain'`) around `run()`, inside a
 * Pulumi stack. Every resource registered is recorded, with the options SST's transformations set.
 *
 * Everything from the SST platform is imported dynamically by absolute path, so this file (and the
 * tests using it) typecheck under the root tsconfig without SST's globals, and fail with one clear
 * message when the platform has not been installed.
 *
 * The app reads the deploy config and the built Glue artifacts from the environment
 * (stacks/deploy-config.ts, stacks/glue-artifacts.ts): a run points LEAN_OPS_CONFIG at a
 * fixture and LEAN_OPS_GLUE_DIST at artifacts built once per process by jobs/glue/package.py,
 * and SST_SERVER at a fake SST RPC server (fake-sst-rpc.ts), restoring all three afterwards.
 *
 * Runs must not overlap (Pulumi's runtime state is process-wide): await one before starting the
 * next, as vitest does for the tests of one file. Each run sets up fresh mocks and a fresh stack.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startFakeSstRpc } from './fake-sst-rpc';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PLATFORM_DIR = join(ROOT, '.sst', 'platform');

export const MISSING_PLATFORM_MESSAGE =
  'the SST platform (.sst/platform) is missing or incomplete: run npm run provision ' +
  '(it runs `sst install` offline, ~1 min the first time)';

/** Throws {@link MISSING_PLATFORM_MESSAGE} unless `sst install` has written the platform. */
export function assertPlatformInstalled(): void {
  const required = ['config.d.ts', 'src/auto/run.ts', 'node_modules/@pulumi/pulumi/index.js'];
  const missing = required.filter((file) => !existsSync(join(PLATFORM_DIR, file)));
  if (missing.length > 0) {
    throw new Error(`${MISSING_PLATFORM_MESSAGE}; missing: ${missing.map((f) => `.sst/platform/${f}`).join(', ')}`);
  }
}

/** A resource the app registered, as the Pulumi engine would have received it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** The resource options after all stack transformations (SST's retain-on-delete among them). */
  readonly retainOnDelete: boolean | undefined;
  readonly protect: boolean | undefined;
  /** Input properties a deploy leaves as they are in AWS (e.g. an autoscaled service's desiredCount). */
  readonly ignoreChanges?: readonly string[];
}

export interface AppRun {
  /** What `app({ stage })` returned. */
  readonly app: Record<string, unknown>;
  /** The stack outputs: `run()`'s return value plus SST's `_protect`. */
  readonly outputs: Record<string, unknown>;
  /** Every resource registered, in order, the Pulumi stack itself excluded. */
  readonly resources: readonly RecordedResource[];
  /** SST RPC methods the components called (fake-sst-rpc.ts). */
  readonly rpcCalls: readonly string[];
}

export interface RunOptions {
  /** Deploy config, relative to the repository root. @defaultValue {@link FIXTURE_CONFIG} */
  readonly configFile?: string;
  /** Runs after the app's `run()` in the same stack (harness self-tests only). */
  readonly probe?: (globals: { sst: unknown; aws: unknown }) => void;
  /** What the mocked provider says about the credentials (stacks/deploy-target.ts). @defaultValue {@link MOCK_CALLER} */
  readonly caller?: Partial<MockCaller>;
}

/** The deploying principal as the mocked provider describes it. */
export interface MockCaller {
  readonly accountId: string;
  readonly region: string;
  /** `getCallerIdentity().arn` (an IAM user: `getSessionContext` answers it as its own issuer). */
  readonly arn: string;
  /** `getDataLakeSettings().admins`. */
  readonly dataLakeAdmins: readonly string[];
}

export const REGION = 'eu-west-1';
export const ACCOUNT_ID = '123456789012';
export const CALLER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/mock`;

/** The stage pins' placeholder account and region, a caller that is a data-lake administrator. */
export const MOCK_CALLER: MockCaller = {
  accountId: ACCOUNT_ID,
  region: REGION,
  arn: CALLER_ARN,
  dataLakeAdmins: [CALLER_ARN],
};

/** Two topics, one with a semantic schema, every other setting at its default. */
export const FIXTURE_CONFIG = 'tests/infra/fixtures/lean-ops.config.json';

// The slice of @pulumi/pulumi this harness uses (the real module is typed only under tsconfig.infra.json).
interface MockResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
interface MockCallArgs {
  token: string;
  inputs: Record<string, unknown>;
}
interface TransformationArgs {
  type: string;
  name: string;
  props: Record<string, unknown>;
  opts: { retainOnDelete?: boolean; protect?: boolean; ignoreChanges?: string[] };
}
interface PulumiModule {
  runtime: {
    setMocks(
      mocks: {
        newResource(args: MockResourceArgs): { id: string; state: Record<string, unknown> };
        call(args: MockCallArgs): Record<string, unknown>;
      },
      project: string,
      stack: string,
      preview: boolean,
    ): Promise<void>;
    runInPulumiStack(init: () => Promise<unknown>): Promise<Record<string, unknown> | undefined>;
    registerStackTransformation(transformation: (args: TransformationArgs) => undefined): void;
    /** Resolves when every outstanding registration has reached the (mock) monitor. Internal to Pulumi. */
    waitForRPCs(): Promise<void>;
  };
  output: unknown;
  apply: unknown;
  all: unknown;
  interpolate: unknown;
  concat: unknown;
  jsonParse: unknown;
  jsonStringify: unknown;
}
interface SstConfig {
  app(input: { stage: string }): Promise<Record<string, unknown>> | Record<string, unknown>;
  run(): Promise<Record<string, unknown> | undefined>;
}

function platformUrl(relative: string): string {
  return pathToFileURL(join(PLATFORM_DIR, relative)).href;
}

/** The same @pulumi/pulumi module instance the SST components use. */
async function importPulumi(): Promise<PulumiModule> {
  const module = (await import(platformUrl('node_modules/@pulumi/pulumi/index.js'))) as PulumiModule & {
    default?: PulumiModule;
  };
  return module.runtime ? module : (module.default as PulumiModule);
}

interface PolicyStatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** What aws.iam.getPolicyDocument renders (SST builds task-role and bucket policies with it). */
function renderPolicyDocument(statements: PolicyStatementInput[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? 'Allow',
      Action: s.actions ?? [],
      Resource: s.resources ?? [],
      ...(s.principals ? { Principal: Object.fromEntries(s.principals.map((p) => [p.type, p.identifiers])) } : {}),
      ...(s.conditions && s.conditions.length > 0
        ? { Condition: Object.fromEntries(s.conditions.map((c) => [c.test, { [c.variable]: c.values }])) }
        : {}),
    })),
  });
}

/** Outputs the real provider computes and the app reads, by resource type. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case 'aws:s3/bucket:Bucket':
      return { bucket: `${name.toLowerCase()}-mock` };
    case 'aws:sqs/queue:Queue':
      return { url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${String(inputs.name)}` };
    case 'aws:kms/key:Key':
      return { keyId: `${name}-key-id` };
    case 'aws:elasticache/replicationGroup:ReplicationGroup':
      return { primaryEndpointAddress: `${name}.cache.mock`, clusterEnabled: false };
    case 'aws:amp/workspace:Workspace':
      return { prometheusEndpoint: `https://aps-workspaces.${REGION}.amazonaws.com/workspaces/ws-mock/` };
    case 'random:index/randomPassword:RandomPassword':
      return { result: 'mock!token&#' };
    case 'docker-build:index:Image':
      return { digest: 'sha256:mock' };
    default:
      return {};
  }
}

/** Pulumi's marker of a secret value in mock inputs (its `specialSigKey` / `specialSecretSig`). */
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** Inputs as the provider would receive them: secrets unwrapped to their plain values. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, unwrapSecrets(inner)]));
}

let glueDist: string | undefined;

/** Glue artifacts built by the real packager (jobs/glue/package.py), once per process, outside the repository. */
export function builtGlueArtifacts(): string {
  if (glueDist === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'lean-ops-glue-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    execFileSync('python3', [join(ROOT, 'jobs', 'glue', 'package.py'), '--out', dir], { stdio: 'pipe' });
    glueDist = dir;
  }
  return glueDist;
}

/** Sets `vars` in process.env and returns a function that restores the previous values. */
function setEnv(vars: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** Answers for the provider functions SST components and the app's checks call. */
function mockCall({ token, inputs }: MockCallArgs, caller: MockCaller): Record<string, unknown> {
  switch (token) {
    case 'aws:iam/getSessionContext:getSessionContext':
      return { arn: inputs.arn, issuerArn: inputs.arn, issuerId: 'MOCK', issuerName: 'mock', sessionName: '', id: 'x' };
    case 'aws:lakeformation/getDataLakeSettings:getDataLakeSettings':
      return { admins: [...caller.dataLakeAdmins], region: caller.region, id: caller.accountId };
    case 'aws:iam/getPolicyDocument:getPolicyDocument':
      return {
        ...inputs,
        json: renderPolicyDocument((inputs.statements as PolicyStatementInput[] | undefined) ?? []),
        id: 'mock',
      };
    case 'aws:index/getRegion:getRegion':
      return { id: caller.region, name: caller.region, region: caller.region, description: 'mock region' };
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return { accountId: caller.accountId, arn: caller.arn, userId: 'MOCK', id: caller.accountId };
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws', id: 'aws' };
    case 'aws:index/getAvailabilityZones:getAvailabilityZones':
      return {
        names: [`${REGION}a`, `${REGION}b`, `${REGION}c`],
        zoneIds: ['euw1-az1', 'euw1-az2', 'euw1-az3'],
        id: REGION,
      };
    default:
      return inputs;
  }
}

/** Evaluates sst.config.ts for `stage` under Pulumi mocks and returns what it produced. */
export async function runAppUnderMocks(stage: string, options: RunOptions = {}): Promise<AppRun> {
  assertPlatformInstalled();
  const rpc = await startFakeSstRpc(REGION, ACCOUNT_ID);
  const restoreEnv = setEnv({
    SST_SERVER: rpc.url,
    LEAN_OPS_CONFIG: options.configFile ?? FIXTURE_CONFIG,
    LEAN_OPS_GLUE_DIST: builtGlueArtifacts(),
  });
  try {
    const caller = { ...MOCK_CALLER, ...options.caller };
    return { ...(await evaluate(stage, options.probe, caller)), rpcCalls: [...rpc.calls] };
  } finally {
    restoreEnv();
    await rpc.close();
  }
}

async function evaluate(
  stage: string,
  probe: RunOptions['probe'],
  caller: MockCaller,
): Promise<Omit<AppRun, 'rpcCalls'>> {
  const pulumi = await importPulumi();
  const recorded: RecordedResource[] = [];
  const optionsByName = new Map<string, TransformationArgs['opts']>();

  const g = globalThis as Record<string, unknown>;
  // sst.config.ts calls $config at import time; SST's is the identity function.
  g.$config = (config: SstConfig) => config;
  const { default: config } = (await import(pathToFileURL(join(ROOT, 'sst.config.ts')).href)) as {
    default: SstConfig;
  };
  const app = await config.app({ stage });

  await pulumi.runtime.setMocks(
    {
      newResource({ type, name, inputs: raw }) {
        const inputs = unwrapSecrets(raw) as Record<string, unknown>;
        const options = optionsByName.get(`${type}::${name}`);
        recorded.push({
          type,
          name,
          inputs,
          retainOnDelete: options?.retainOnDelete,
          protect: options?.protect,
          ...(options?.ignoreChanges ? { ignoreChanges: [...options.ignoreChanges] } : {}),
        });
        return {
          id: `${name}-id`,
          state: {
            ...inputs,
            arn: mockArn(type, name),
            name: inputs.name ?? name,
            ...computedState(type, name, inputs),
          },
        };
      },
      call: (args) => mockCall(args, caller),
    },
    String(app.name),
    stage,
    false,
  );

  // The globals SST's eval defines (.sst/platform/src/shim/run.js and global.d.ts).
  const [{ Link }, component, aws] = await Promise.all([
    import(platformUrl('src/components/link.ts')) as Promise<{ Link: { linkable: unknown } }>,
    import(platformUrl('src/components/component.ts')) as Promise<{ $transform: unknown; $asset: unknown }>,
    import(platformUrl('node_modules/@pulumi/aws/index.js')) as Promise<unknown>,
  ]);
  Object.assign(g, {
    $app: Object.freeze({
      name: app.name,
      stage,
      removal: app.removal ?? 'retain',
      protect: app.protect ?? false,
      providers: app.providers,
    }),
    $dev: false,
    // SST_SERVER (the fake RPC server) is set by runAppUnderMocks.
    $cli: {
      command: 'deploy',
      rpc: '',
      paths: { home: ROOT, root: ROOT, work: join(ROOT, '.sst'), platform: PLATFORM_DIR },
      state: { version: {} },
    },
    $util: pulumi,
    $output: pulumi.output,
    $apply: pulumi.apply,
    $resolve: pulumi.all,
    $interpolate: pulumi.interpolate,
    $concat: pulumi.concat,
    $jsonParse: pulumi.jsonParse,
    $jsonStringify: pulumi.jsonStringify,
    $linkable: Link.linkable,
    $transform: component.$transform,
    $asset: component.$asset,
    $secrets: {},
    aws,
  });
  const sst = await import(platformUrl('src/components/index.ts'));
  g.sst = sst;

  const { run } = (await import(platformUrl('src/auto/run.ts'))) as {
    run(program: () => Promise<Record<string, unknown> | undefined>): Promise<Record<string, unknown>>;
  };
  const outputs = await pulumi.runtime.runInPulumiStack(() =>
    run(async () => {
      // Registered after SST's own transformations, so it sees the options they set.
      pulumi.runtime.registerStackTransformation((args) => {
        optionsByName.set(`${args.type}::${args.name}`, { ...args.opts });
        return undefined;
      });
      const result = await config.run();
      probe?.({ sst, aws });
      return result;
    }),
  );
  // The stack's outputs can resolve before the last resource registration does.
  await pulumi.runtime.waitForRPCs();
  return {
    app,
    outputs: outputs ?? {},
    resources: recorded.filter((r) => r.type !== 'pulumi:pulumi:Stack'),
  };
}

/** The ARN the mocks give a resource of `type` named `name`. */
export function mockArn(type: string, name: string): string {
  return `arn:aws:mock:${REGION}:${ACCOUNT_ID}:${type}/${name}`;
}

const memo = new Map<string, Promise<AppRun>>();
let queue: Promise<unknown> = Promise.resolve();

/**
 * {@link runAppUnderMocks} once per stage and config file per test file: later calls share the
 * first run's result. Runs are chained, so they never overlap.
 */
export function appRun(stage: string, configFile: string = FIXTURE_CONFIG): Promise<AppRun> {
  const key = `${stage}\n${configFile}`;
  let run = memo.get(key);
  if (run === undefined) {
    run = queue.then(() => runAppUnderMocks(stage, { configFile }));
    queue = run.catch(() => undefined);
    memo.set(key, run);
  }
  return run;
}
