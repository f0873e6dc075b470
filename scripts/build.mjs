#!/usr/bin/env node
// `npm run build`: compiles the CLI (every service's entry point) and the ingest worker
// thread into plain JavaScript bundles under dist/, for the container images: they start
// without a TypeScript loader, in the main thread and in every worker thread.
//
// The workspace packages (@lean-ops/*) are bundled in; third-party packages stay imports
// of node_modules (native modules such as DuckDB cannot be bundled, and the image keeps
// its production dependencies anyway). Local development and the tests run the sources
// through tsx and need no build.
//
//   node scripts/build.mjs [--outdir DIR]     (default: dist)
import { rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const outdir = resolve(ROOT, values.outdir);

/** Bundle the workspace, import everything else from node_modules at run time. */
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@lean-ops/') ? undefined : { path: args.path, external: true },
    );
  },
};

const started = performance.now();
await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: {
    'lean-ops': 'apps/cli/src/bin.ts',
    'ingest-thread': 'workers/ingest/src/ingest-thread.ts',
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.12',
  sourcemap: true,
  // The workspace's package.json files say "exports": "./src/index.ts".
  conditions: ['import', 'node'],
  plugins: [thirdPartyExternal],
  banner: {
    js: [
      // Bundled CommonJS helpers may call require(): give the ESM output one.
      "import { createRequire as __leanOpsRequire } from 'node:module';",
      'const require = __leanOpsRequire(import.meta.url);',
      // As apps/cli/bin/lean-ops.js: the pinned SDK's Node 22 notice says nothing about
      // this install (the SDK reads it when a client is created, after this line).
      "process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';",
    ].join('\n'),
  },
  metafile: true,
  logLevel: 'warning',
});
const files = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith('.mjs'))
  .map(([file, out]) => `${relative(ROOT, join(ROOT, file))} (${Math.round(out.bytes / 1024)} KiB)`);
process.stdout.write(`build: ${files.join(', ')} in ${Math.round(performance.now() - started)} ms\n`);
