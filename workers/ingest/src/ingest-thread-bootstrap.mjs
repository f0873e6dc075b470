// Entry of every ingest worker thread: the sources are TypeScript run through tsx (as the
// CLI runs them, see apps/cli/bin/lean-ops.js), and a thread does not inherit the
// main thread's loader hooks, so it registers tsx before importing its module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
