import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchBacklogPublisher } from '@lean-ops/aws';
import type { BacklogPublisher, QueueDepth, QueueDepthSampler } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';

/** CloudWatch's standard resolution and the period target tracking evaluates: one datum a minute is enough. */
export const BACKLOG_PUBLISH_INTERVAL_MS = 60_000;

export interface BacklogPublishingSamplerOptions {
  readonly sampler: QueueDepthSampler;
  readonly publisher: BacklogPublisher;
  readonly logger: Pick<Logger, 'warn'>;
  /** @defaultValue {@link BACKLOG_PUBLISH_INTERVAL_MS} */
  readonly intervalMs?: number;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

/**
 * A queue depth sampler that also publishes the backlog (visible messages of the sampled
 * topic queues, summed) at most once per interval: the ingest scaling metric comes from the
 * samples the worker already takes for its gauges, with no extra SQS calls. Only the worker
 * (or thread) that samples publishes. A failed publish is logged and does not fail the sample.
 */
export class BacklogPublishingSampler implements QueueDepthSampler {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastPublishedAt: number | undefined;

  constructor(private readonly options: BacklogPublishingSamplerOptions) {
    this.intervalMs = options.intervalMs ?? BACKLOG_PUBLISH_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.intervalMs) || this.intervalMs <= 0) {
      throw new RangeError(`BacklogPublishingSampler: intervalMs must be a positive integer (got ${this.intervalMs})`);
    }
  }

  async sample(queueUrls: readonly string[], signal?: AbortSignal): Promise<readonly QueueDepth[]> {
    const depths = await this.options.sampler.sample(queueUrls, signal);
    const at = this.now();
    if (this.lastPublishedAt === undefined || at - this.lastPublishedAt >= this.intervalMs) {
      const backlog = depths.reduce((sum, depth) => sum + depth.visible, 0);
      try {
        await this.options.publisher.publish(backlog, signal);
        this.lastPublishedAt = at;
      } catch (err) {
        this.options.logger.warn({ err, backlog }, 'publishing the ingest backlog failed; scaling sees a gap');
      }
    }
    return depths;
  }
}

/**
 * `sampler`, publishing the backlog to CloudWatch when `namespace` is set (deployed on AWS),
 * else `sampler` itself (local runs). `dispose` releases the CloudWatch client.
 */
export function withBacklogPublishing(
  sampler: QueueDepthSampler,
  env: { readonly cloudwatchNamespace?: string | undefined; readonly region: string },
  logger: Pick<Logger, 'warn'>,
): { sampler: QueueDepthSampler; dispose: () => void } {
  if (!env.cloudwatchNamespace) return { sampler, dispose: () => undefined };
  const client = new CloudWatchClient({ region: env.region });
  const publisher = new CloudWatchBacklogPublisher({ client, namespace: env.cloudwatchNamespace });
  return { sampler: new BacklogPublishingSampler({ sampler, publisher, logger }), dispose: () => client.destroy() };
}
