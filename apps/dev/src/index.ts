export {
  type AuditReport,
  auditPassed,
  auditPipeline,
  auditProblems,
  formatAudit,
  formatAuditVerdict,
  type NotSentExample,
  type TopicAudit,
} from './audit.js';

export { type DevOptions, type DevOptionsInput, parseDevOptions } from './dev-options.js';
export { DevAlreadyRunningError, type DevRuntime, DevRuntimeFile } from './dev-runtime.js';
export { DevStack } from './dev-stack.js';
export { ProgressView, renderProgress } from './progress-view.js';
export { renderStatusPage } from './status-page.js';
export { type StatusServer, type StatusServerOptions, startStatusServer } from './status-server.js';
export type { DevStatus, StatusSource, TopicStatus } from './status-types.js';
