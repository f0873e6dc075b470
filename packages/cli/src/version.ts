import { createRequire } from 'node:module';

/** The lean-ops release, from this package's manifest. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
