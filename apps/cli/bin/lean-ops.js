#!/usr/bin/env node
// Runs the CLI from its TypeScript sources through tsx's loader (local development and the
// tests); the container images run the compiled bundle of `npm run build` instead.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on Node 20 that its releases after January 2027 will need Node 22.
// The SDK versions are pinned in package-lock.json, so the notice says nothing about this
// install; set the variable to "false" to see it anyway.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../src/bin.ts');
