import { DEFAULT_MAX_RECORD_BYTES, parseOptions, TOPIC_NAME_PATTERN } from '@lean-ops/core';
import { z } from 'zod';
import { MESSAGE_FAULTS, type MessageFault, OVERSIZE_MARGIN_BYTES } from './faults.js';
import { PROFILE_NAMES, PROFILES } from './profiles.js';
import { SQS_BATCH_LIMITS } from './queue-batches.js';

const topicName = z.string().regex(TOPIC_NAME_PATTERN, `expected a topic name matching ${TOPIC_NAME_PATTERN}`);
const probability = z.number().min(0).max(1);
const faultRatesShape = Object.fromEntries(MESSAGE_FAULTS.map((f) => [f, probability.optional()])) as Record<
  MessageFault,
  z.ZodOptional<typeof probability>
>;

/** Options only a simulated fleet uses; a replay sends the file's bodies as they are. */
const FLEET_ONLY = [
  'devices',
  'count',
  'durationMs',
  'profile',
  'faults',
  'schemaDrift',
  'bursts',
  'seed',
  'startTime',
] as const;

/**
 * Options of `runSimulation` (and `lean-ops simulate`), validated once before anything
 * is sent. Either a simulated fleet (for `count` messages, `durationMs`, or until stopped)
 * or a replay (`input`).
 */
export const simulationOptionsSchema = z
  .strictObject({
    /** The deployment's topics: each has a queue; a body naming another is `unknown_topic`. */
    topics: z.array(topicName).min(1),
    /** Queue of topic T is `<queuePrefix>T`, looked up with GetQueueUrl. @defaultValue "" */
    queuePrefix: z.string().optional(),
    /** One queue for every topic instead (a real SQS queue URL, or the emulator's). */
    queueUrl: z.url().optional(),
    /** SQS endpoint of an emulator; unset for AWS. Local credentials are used with it. */
    endpoint: z.url().optional(),
    /** @defaultValue "us-east-1" */
    region: z.string().min(1).default('us-east-1'),
    /** Explicit credentials; otherwise the AWS default chain (or local ones with `endpoint`). */
    credentials: z
      .strictObject({
        accessKeyId: z.string().min(1),
        secretAccessKey: z.string().min(1),
        sessionToken: z.string().min(1).optional(),
      })
      .optional(),
    /** Number of simulated devices (`dev-0001`, …). @defaultValue 10 */
    devices: z.number().int().min(1).max(100_000).optional(),
    /** Messages per second outside bursts. @defaultValue 100 (fleet), unpaced (replay) */
    rate: z.number().positive().max(100_000).optional(),
    /** Send the messages due within this many ms, or … */
    durationMs: z.number().int().positive().optional(),
    /** … this many messages; with neither, until `signal` aborts. */
    count: z.number().int().positive().optional(),
    /** Error-injection profile. @defaultValue "default" */
    profile: z.enum(PROFILE_NAMES).optional(),
    /** Per-fault rates (0–1) replacing the profile's. */
    faults: z.strictObject(faultRatesShape).optional(),
    /** Replaces the profile's schema drift; null: none. */
    schemaDrift: z
      .strictObject({
        at: z.number().min(0).max(1),
        topics: z.union([z.literal('all'), z.array(topicName).min(1)]).optional(),
      })
      .nullable()
      .optional(),
    /** Replaces the profile's bursts; null: none. */
    bursts: z
      .strictObject({
        everyMs: z.number().int().positive(),
        lengthMs: z.number().int().positive(),
        multiplier: z.number().min(1).max(1_000),
      })
      .nullable()
      .optional(),
    /** PRNG seed: the same seed (and startTime) sends the same bodies. @defaultValue random, reported */
    seed: z.number().int().min(0).max(0xffff_ffff).optional(),
    /** Event time of the first message (RFC 3339 or epoch ms). @defaultValue now */
    startTime: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
    /** JSON-lines ledger file, one line per message sent. */
    ledger: z.string().min(1).optional(),
    /** Replay this JSON-lines file of message bodies instead of simulating devices. */
    input: z.string().min(1).optional(),
    /** Replay: queue for bodies whose topic is unreadable or not configured. @defaultValue the only topic */
    defaultTopic: topicName.optional(),
    /** The ingest sink's per-record limit (what makes a body `too_large`). @defaultValue 1,024,000 */
    maxRecordBytes: z.number().int().min(1024).default(DEFAULT_MAX_RECORD_BYTES),
    /** The queue's largest message. @defaultValue 1,048,576 (the SQS maximum) */
    maxMessageBytes: z.number().int().min(1024).max(SQS_BATCH_LIMITS.maxBytes).default(SQS_BATCH_LIMITS.maxBytes),
    /** SendMessageBatch calls in flight. @defaultValue 8 */
    concurrency: z.number().int().min(1).max(64).default(8),
    /** Calls per message, the first included, before it counts as failed. @defaultValue 5 */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    /** How often `onProgress` is called. @defaultValue 1000 */
    progressIntervalMs: z.number().int().min(50).default(1_000),
  })
  .superRefine((o, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    o.topics.forEach((t, i) => {
      if (o.topics.indexOf(t) !== i) issue(['topics', i], `${t} is listed twice`);
    });
    if (o.queueUrl !== undefined && o.queuePrefix !== undefined) {
      issue(['queueUrl'], 'give queueUrl or queuePrefix, not both');
    }
    if (o.input !== undefined) {
      for (const key of FLEET_ONLY) {
        if (o[key] !== undefined) issue([key], 'not used with input (a replay sends the bodies as they are)');
      }
      if (o.defaultTopic !== undefined && !o.topics.includes(o.defaultTopic)) {
        issue(['defaultTopic'], `must be one of topics (${o.topics.join(', ')})`);
      }
      return;
    }
    if (o.defaultTopic !== undefined) issue(['defaultTopic'], 'only used with input');
    if (o.count !== undefined && o.durationMs !== undefined)
      issue(['durationMs'], 'give count or durationMs, not both');
    const drift = o.schemaDrift?.topics;
    if (Array.isArray(drift)) {
      drift.forEach((t, i) => {
        if (!o.topics.includes(t)) issue(['schemaDrift', 'topics', i], `${t} is not one of topics`);
      });
    }
    if (o.bursts && o.bursts.lengthMs >= o.bursts.everyMs) issue(['bursts', 'lengthMs'], 'must be less than everyMs');
    const faults = { ...PROFILES[o.profile ?? 'default'].faults, ...o.faults };
    const total = MESSAGE_FAULTS.reduce((sum, f) => sum + faults[f], 0);
    if (total > 1 + 1e-9) issue(['faults'], `the fault rates add up to ${total.toFixed(3)}, more than 1`);
    const oversizeBytes = o.maxRecordBytes + OVERSIZE_MARGIN_BYTES;
    if (faults.oversize > 0 && oversizeBytes > o.maxMessageBytes) {
      issue(
        ['maxRecordBytes'],
        `an oversize body (maxRecordBytes + ${OVERSIZE_MARGIN_BYTES} = ${oversizeBytes} bytes) must fit ` +
          `maxMessageBytes (${o.maxMessageBytes}); lower maxRecordBytes or set faults.oversize to 0`,
      );
    }
  });

export type SimulationOptionsInput = z.input<typeof simulationOptionsSchema>;
export type SimulationOptions = z.output<typeof simulationOptionsSchema>;

/** Validates simulation options; throws `ConfigError` naming every bad option. */
export function parseSimulationOptions(input: unknown): SimulationOptions {
  return parseOptions(simulationOptionsSchema, input, 'simulation options');
}
