import { type Gauge, gauge, type Registry } from './registry.js';

/** Metrics every lean-ops process serves, whatever its role. */
export interface BaseMetrics {
  /** Always 1; the labels say what is running (`leanops_build_info{version,service}`). */
  readonly buildInfo: Gauge<'version' | 'service' | 'node_version'>;
  /** Seconds since the epoch at which the process started serving. */
  readonly startTime: Gauge;
}

export function createBaseMetrics(registry: Registry, service: string, version: string): BaseMetrics {
  const buildInfo = gauge(registry, {
    name: 'build_info',
    help: 'Always 1; labels describe the running build.',
    labelNames: ['version', 'service', 'node_version'] as const,
  });
  buildInfo.set({ version, service, node_version: process.versions.node }, 1);
  const startTime = gauge(registry, { name: 'service_start_time_seconds', help: 'Unix time the service started.' });
  startTime.set(Math.floor(Date.now() / 1000));
  return { buildInfo, startTime };
}
