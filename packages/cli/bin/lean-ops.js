#!/usr/bin/env node
// The workspace runs TypeScript sources directly through tsx's loader; container
// images run an esbuild bundle instead (docker/).
import { register } from 'tsx/esm/api';

register();
await import('../src/bin.ts');
