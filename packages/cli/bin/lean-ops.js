#!/usr/bin/env node
// The CLI runs its TypeScript sources through tsx's loader, here and in the container
// images (docker/Dockerfile), so there is no build step to keep in step.
import { register } from 'tsx/esm/api';

register();
await import('../src/bin.ts');
