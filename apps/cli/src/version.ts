import manifest from '../package.json' with { type: 'json' };

/** The lean-ops release, from this package's manifest (bundled into the compiled build). */
export const VERSION: string = manifest.version;
