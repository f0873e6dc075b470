export * from './dashboards/index.js';
export * from './rules/index.js';
