import type { BacklogPublisher, QueueDepth, QueueDepthSampler } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { BacklogPublishingSampler, withBacklogPublishing } from '../../src/backlog-publishing-sampler.js';

// Stand-ins (no SQS or CloudWatch here): a sampler answering fixed depths and a publisher
// recording what it was given. The CloudWatch adapter itself runs against moto in
// packages/aws/tests/integration/cloudwatch-backlog-publisher.test.ts.
function stubSampler(visible: readonly number[]): QueueDepthSampler & { calls: number } {
  const stub = {
    calls: 0,
    sample: async (urls: readonly string[]): Promise<readonly QueueDepth[]> => {
      stub.calls += 1;
      return urls.map((queueUrl, i) => ({ queueUrl, visible: visible[i] ?? 0, inFlight: 7, delayed: 3 }));
    },
  };
  return stub;
}

function recordingPublisher(failures = 0): BacklogPublisher & { published: number[] } {
  let failuresLeft = failures;
  const publisher = {
    published: [] as number[],
    publish: async (value: number) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('CloudWatch unavailable');
      }
      publisher.published.push(value);
    },
  };
  return publisher;
}

function recordingLogger() {
  const warnings: unknown[][] = [];
  return { warnings, warn: (...args: unknown[]) => void warnings.push(args) };
}

const URLS = ['https://sqs/q-telemetry', 'https://sqs/q-alerts', 'https://sqs/q-orders'];

describe('Class: BacklogPublishingSampler', () => {
  it('publishes the visible messages of every sampled queue, summed, and returns the depths unchanged', async () => {
    const publisher = recordingPublisher();
    const sampler = new BacklogPublishingSampler({
      sampler: stubSampler([100, 20, 3]),
      publisher,
      logger: recordingLogger(),
      now: () => 0,
    });

    const depths = await sampler.sample(URLS);

    expect(publisher.published).toEqual([123]);
    expect(depths.map((d) => [d.queueUrl, d.visible, d.inFlight])).toEqual([
      [URLS[0], 100, 7],
      [URLS[1], 20, 7],
      [URLS[2], 3, 7],
    ]);
  });

  it('publishes at most once per interval however often the worker samples (fake clock)', async () => {
    let now = 1_000_000;
    const publisher = recordingPublisher();
    const inner = stubSampler([5]);
    const sampler = new BacklogPublishingSampler({
      sampler: inner,
      publisher,
      logger: recordingLogger(),
      intervalMs: 60_000,
      now: () => now,
    });

    for (const step of [0, 15_000, 15_000, 15_000, 15_000, 59_999, 1]) {
      now += step;
      await sampler.sample([URLS[0] as string]);
    }

    // t = 0, 60 000 and 120 000 publish; 15 000, 30 000, 45 000 and 119 999 do not.
    expect(inner.calls).toBe(7);
    expect(publisher.published).toEqual([5, 5, 5]);
  });

  it('logs a failed publish, keeps the sample, and publishes again at the next sample', async () => {
    const publisher = recordingPublisher(1);
    const logger = recordingLogger();
    const sampler = new BacklogPublishingSampler({ sampler: stubSampler([4, 4]), publisher, logger, now: () => 0 });

    const first = await sampler.sample(URLS.slice(0, 2));
    await sampler.sample(URLS.slice(0, 2));

    expect(first).toHaveLength(2);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.[1]).toMatch(/publishing the ingest backlog failed/);
    expect(publisher.published).toEqual([8]);
  });

  it('refuses an interval that is not a positive integer', () => {
    const options = { sampler: stubSampler([]), publisher: recordingPublisher(), logger: recordingLogger() };

    expect(() => new BacklogPublishingSampler({ ...options, intervalMs: 0 })).toThrow(/intervalMs must be/);
    expect(() => new BacklogPublishingSampler({ ...options, intervalMs: 1.5 })).toThrow(RangeError);
  });
});

describe('Function: withBacklogPublishing', () => {
  it('returns the sampler itself when no namespace is set (local runs publish nothing)', () => {
    const inner = stubSampler([1]);

    const { sampler } = withBacklogPublishing(inner, { region: 'eu-west-1' }, recordingLogger());

    expect(sampler).toBe(inner);
  });

  it('wraps the sampler in a CloudWatch publisher when the namespace is set', () => {
    const inner = stubSampler([1]);

    const wrapped = withBacklogPublishing(
      inner,
      { region: 'eu-west-1', cloudwatchNamespace: 'LeanOps/dev' },
      recordingLogger(),
    );

    expect(wrapped.sampler).toBeInstanceOf(BacklogPublishingSampler);
    wrapped.dispose();
  });
});
