export * from './ddl/index.js';
export * from './driver/index.js';
