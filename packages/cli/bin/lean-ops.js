#!/usr/bin/env node
// The CLI runs its TypeScript sources through tsx's loader, here and in the container
// images (docker/Dockerfile), so there is no build step to keep in step.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on Node 20 that its releases after January 2027 will need Node 22.
// The SDK versions are pinned in package-lock.json, so the notice says nothing about this
// install; set the variable to "false" to see it anyway.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../src/bin.ts');
