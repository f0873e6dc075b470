export { uniqueFileName, writeFileAtomic } from './atomic-file.js';
export { type EmbeddedSqs, type EmbeddedSqsOptions, LOCAL_CREDENTIALS, startEmbeddedSqs } from './embedded-sqs.js';
export { FileQuarantine, type FileQuarantineOptions } from './file-quarantine.js';
export { LANDING_LIMITS, LandingSink, type LandingSinkOptions } from './landing-sink.js';
export { listJsonlFiles, readJsonlTree } from './read-jsonl.js';
