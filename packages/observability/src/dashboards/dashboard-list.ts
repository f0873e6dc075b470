import { dlq } from './dlq.js';
import { ingest } from './ingest.js';
import { lakeTables } from './lake-tables.js';
import { overview } from './overview.js';
import { scheduler } from './scheduler.js';
import type { DashboardSpec } from './shared/dashboard.js';

/** Every dashboard, in the order docs/observability.md lists them. */
export const DASHBOARDS: readonly DashboardSpec[] = [overview, ingest, scheduler, dlq, lakeTables];
