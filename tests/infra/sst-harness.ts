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
 * Runs must not overlap (Pulumi's runtime state is process-wide): await one before starting the
 * next, as vitest does for the tests of one file. Each run sets up fresh mocks and a fresh stack.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
}

export interface AppRun {
  /** What `app({ stage })` returned. */
  readonly app: Record<string, unknown>;
  /** The stack outputs: `run()`'s return value plus SST's `_protect`. */
  readonly outputs: Record<string, unknown>;
  /** Every resource registered, in order, the Pulumi stack itself excluded. */
  readonly resources: readonly RecordedResource[];
}

const REGION = 'eu-west-1';
const ACCOUNT_ID = '123456789012';

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
  opts: { retainOnDelete?: boolean; protect?: boolean };
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

/** Answers for the provider functions SST components call while they are constructed. */
function mockCall({ token, inputs }: MockCallArgs): Record<string, unknown> {
  switch (token) {
    case 'aws:index/getRegion:getRegion':
      return { id: REGION, name: REGION, region: REGION, description: 'mock region' };
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/mock`, userId: 'MOCK', id: ACCOUNT_ID };
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

/**
 * Evaluates sst.config.ts for `stage` under Pulumi mocks and returns what it produced.
 * `probe`, when given, runs after the app's `run()` in the same stack (harness self-tests only).
 */
export async function runAppUnderMocks(
  stage: string,
  probe?: (globals: { sst: unknown; aws: unknown }) => void,
): Promise<AppRun> {
  assertPlatformInstalled();
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
      newResource({ type, name, inputs }) {
        const options = optionsByName.get(`${type}::${name}`);
        recorded.push({
          type,
          name,
          inputs,
          retainOnDelete: options?.retainOnDelete,
          protect: options?.protect,
        });
        return {
          id: `${name}-id`,
          state: { ...inputs, arn: `arn:aws:mock:${REGION}:${ACCOUNT_ID}:${type}/${name}`, name: inputs.name ?? name },
        };
      },
      call: mockCall,
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
    // No SST RPC server (env SST_SERVER) yet: the first stack whose components call it
    // (Provider.Aws.Bootstrap, Runtime.Build for Service images) must add a fake one here,
    // or construction fails with "Invalid URL 'undefined/rpc'".
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
