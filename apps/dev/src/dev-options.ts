import { DEFAULT_DATA_DIR, parseOptions } from '@lean-ops/core';
import { z } from 'zod';

export const devOptionsSchema = z
  .strictObject({
    /** Topics and schemas (the foundation's format); the built-in demo when absent. */
    configFile: z.string().min(1).optional(),
    /** Lake, landing files, quarantine, state, ledger. @defaultValue ".lean-ops" */
    dataDir: z.string().min(1).default(DEFAULT_DATA_DIR),
    /**
     * Simulator messages per second over all topics; 0 = no simulator: the pipeline takes
     * what your own clients send to its SQS endpoint. @defaultValue 50
     */
    rate: z.number().nonnegative().default(50),
    /** Simulated devices. @defaultValue 20 */
    devices: z.number().int().positive().default(20),
    /** Seconds the simulator runs (with rate 0: seconds of taking your clients' messages); 0 = until Ctrl-C. @defaultValue 0 */
    durationSeconds: z.number().nonnegative().default(0),
    /** Error-injection profile of the simulator. @defaultValue "default" */
    profile: z.string().min(1).default('default'),
    /** Replay this JSON-lines file of message bodies instead of simulating. */
    input: z.string().min(1).optional(),
    /** After the input or duration: wait until every queue is empty and every checkpoint caught up, then exit. */
    untilIdle: z.boolean().default(false),
    /** Longest wait for idle. @defaultValue 600 */
    idleTimeoutSeconds: z.number().positive().default(600),
    /** A running Redis; else `redis-server` from PATH is spawned on a free port. */
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    /** Status page port; 0 = a free one. @defaultValue 8470 */
    statusPort: z.number().int().min(0).max(65_535).default(8470),
    /**
     * Port of the embedded SQS endpoint, stable so that your own clients can be pointed at
     * it once; 0 = a free one. @defaultValue 9324 (ElasticMQ's, the usual local SQS port)
     */
    sqsPort: z.number().int().min(0).max(65_535).default(9324),
    /** Metrics port (all components on one registry); 0 = a free one. @defaultValue 9464 */
    metricsPort: z.number().int().min(0).max(65_535).default(9464),
    /** Simulator seed (reproducible runs). */
    seed: z.number().int().optional(),
  })
  .refine((o) => !(o.untilIdle && o.durationSeconds === 0 && o.input === undefined), {
    message:
      '--until-idle needs --duration or --input (otherwise the simulator, or with --rate 0 the wait for your own clients, never ends)',
    path: ['untilIdle'],
  });

export type DevOptionsInput = z.input<typeof devOptionsSchema>;
export type DevOptions = z.output<typeof devOptionsSchema>;

export function parseDevOptions(input: unknown): DevOptions {
  return parseOptions(devOptionsSchema, input, 'lean-ops dev options');
}
