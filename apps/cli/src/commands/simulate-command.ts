import { resolve } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import { ConfigError } from '@lean-ops/core';
import {
  MESSAGE_FAULTS,
  type MessageFault,
  PROFILE_NAMES,
  PROFILES,
  parseSimulationOptions,
  runSimulation,
  type SimulationOptionsInput,
  type SimulationProgress,
  type SimulationSummary,
} from '@lean-ops/simulator';
import type { Command } from 'commander';

interface SimulateFlags {
  config?: string;
  topics?: string;
  queuePrefix?: string;
  queueUrl?: string;
  endpoint?: string;
  region?: string;
  rate?: string;
  devices?: string;
  duration?: string;
  count?: string;
  profile?: string;
  fault?: string[];
  drift: boolean;
  bursts: boolean;
  seed?: string;
  startTime?: string;
  ledger?: string;
  input?: string;
  defaultTopic?: string;
  maxRecordBytes?: string;
  concurrency?: string;
  json?: boolean;
}

/** The flag of each option, so a validation error names what the user typed. */
const FLAG_OF: Readonly<Record<string, string>> = {
  topics: '--topics',
  queuePrefix: '--queue-prefix',
  queueUrl: '--queue-url',
  endpoint: '--endpoint',
  region: '--region',
  rate: '--rate',
  devices: '--devices',
  durationMs: '--duration',
  count: '--count',
  profile: '--profile',
  faults: '--fault',
  seed: '--seed',
  startTime: '--start-time',
  ledger: '--ledger',
  input: '--input',
  defaultTopic: '--default-topic',
  maxRecordBytes: '--max-record-bytes',
  concurrency: '--concurrency',
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `90`, `90s`, `1.5m`, `500ms` → ms; seconds when no unit is given. */
function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new ConfigError('simulate flags', [`--duration: expected seconds or <n>ms|s|m|h (got ${text})`]);
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] as number));
}

/** `--fault malformed_json=0.1` (repeatable) → per-fault rates. */
function parseFaults(pairs: readonly string[]): Partial<Record<MessageFault, number>> | undefined {
  if (pairs.length === 0) return undefined;
  const rates: Partial<Record<MessageFault, number>> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const [name = '', value = ''] = pair.split('=');
    if (!(MESSAGE_FAULTS as readonly string[]).includes(name)) {
      problems.push(`--fault: unknown fault ${name} (one of ${MESSAGE_FAULTS.join(', ')})`);
    } else if (value.trim() === '') problems.push(`--fault: expected ${name}=<rate 0–1> (got ${pair})`);
    else rates[name as MessageFault] = Number(value);
  }
  if (problems.length > 0) throw new ConfigError('simulate flags', problems);
  return rates;
}

const number = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text));

function optionsFromFlags(flags: SimulateFlags, env: NodeJS.ProcessEnv): SimulationOptionsInput {
  const topics = flags.topics
    ? flags.topics.split(',').map((t) => t.trim())
    : loadConfig({ file: flags.config, env }).topics.map((t) => t.name);
  const queuePrefix = flags.queuePrefix ?? (flags.queueUrl ? undefined : env.LEAN_OPS_QUEUE_PREFIX);
  const startTime =
    flags.startTime === undefined || !/^\d+$/.test(flags.startTime) ? flags.startTime : Number(flags.startTime);
  const options: Record<string, unknown> = {
    topics,
    queuePrefix,
    queueUrl: flags.queueUrl,
    endpoint: flags.endpoint ?? (env.LEAN_OPS_SQS_ENDPOINT || undefined),
    region: flags.region ?? (env.AWS_REGION || undefined),
    rate: number(flags.rate),
    devices: number(flags.devices),
    durationMs: flags.duration === undefined ? undefined : parseDuration(flags.duration),
    count: number(flags.count),
    profile: flags.profile,
    faults: parseFaults(flags.fault ?? []),
    schemaDrift: flags.drift ? undefined : null,
    bursts: flags.bursts ? undefined : null,
    seed: number(flags.seed),
    startTime,
    ledger: flags.ledger === undefined ? undefined : resolve(flags.ledger),
    input: flags.input === undefined ? undefined : resolve(flags.input),
    defaultTopic: flags.defaultTopic,
    maxRecordBytes: number(flags.maxRecordBytes),
    concurrency: number(flags.concurrency),
    progressIntervalMs: process.stderr.isTTY ? 1_000 : 5_000,
  };
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  return options as SimulationOptionsInput;
}

/** Validates up front, naming flags instead of option keys in the errors. */
function validate(options: SimulationOptionsInput): void {
  try {
    parseSimulationOptions(options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const named = err.issues.map((line) => {
      const key = line.slice(0, line.search(/[.[:]/));
      return FLAG_OF[key] ? `${FLAG_OF[key]} (${line})` : line;
    });
    throw new ConfigError('simulate flags', named);
  }
}

const n = (value: number): string => value.toLocaleString('en-US');

function progressLine(p: SimulationProgress): string {
  const seconds = (p.elapsed_ms / 1000).toFixed(1);
  let done = `${n(p.sent)} sent`;
  if ('count' in p.target)
    done = `${n(p.sent)}/${n(p.target.count)} sent (${Math.floor((100 * p.sent) / p.target.count)}%)`;
  if ('duration_ms' in p.target) done += `, ${seconds}/${p.target.duration_ms / 1000} s`;
  else done += `, ${seconds} s`;
  return `simulate: ${done} · ${n(p.rate)}/s · ${n(p.expected_drop)} to DROP · ${n(p.failed)} failed`;
}

function humanSummary(s: SimulationSummary): string {
  const seconds = s.duration_ms / 1000;
  const list = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([key, count]) => `${key} ${n(count)}`)
      .join(' · ') || '-';
  const lines = [
    `sent ${n(s.sent)} messages in ${seconds.toFixed(1)} s (${n(Math.round(s.sent / Math.max(seconds, 0.001)))}/s)` +
      `, ${n(s.failed)} failed${s.aborted ? ' (stopped early)' : ''}`,
    `expected: ${n(s.expected_raw)} in RAW, ${n(s.expected_drop)} DROP`,
    'by topic (queue):',
    ...Object.entries(s.by_topic).map(
      ([topic, c]) => `  ${topic}: ${n(c.sent)} sent, ${n(c.expected_raw)} RAW, ${n(c.expected_drop)} DROP`,
    ),
    `by fault: ${list(s.by_fault)}`,
    `DROP reasons: ${list(s.by_reason)}`,
    ...s.failures.map((f) => `failed: #${f.seq} to ${f.queue}: ${f.code} ${f.message}`),
    s.seed === null ? 'replayed the input' : `seed ${s.seed} (profile ${s.profile}): --seed ${s.seed} repeats the run`,
    `ledger: ${s.ledger === null ? '(none; pass --ledger FILE)' : `${s.ledger} (run ${s.run_id})`}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Ctrl-C stops planning messages and lets the batches in flight finish; a second one exits at once. */
function abortOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nsimulate: stopping after the batches in flight (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** `lean-ops simulate`: a device fleet (or an input file) publishing to the topics' SQS queues, with a ledger. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('publish simulated device telemetry (with injected faults) or replay a file to the topic queues')
    .option('-c, --config <file>', 'config file whose topics to use (when --topics is not given)')
    .option('--topics <list>', 'the deployment topics, comma-separated (a body naming another is unknown_topic)')
    .option('--queue-prefix <prefix>', 'queue of topic T is <prefix>T (env LEAN_OPS_QUEUE_PREFIX)')
    .option('--queue-url <url>', 'send every topic to this one queue instead')
    .option('--endpoint <url>', 'SQS endpoint of an emulator (env LEAN_OPS_SQS_ENDPOINT); unset for AWS')
    .option('--region <region>', 'AWS region (env AWS_REGION, default us-east-1)')
    .option('--rate <n>', 'messages per second outside bursts (default 100; a replay is unpaced without it)')
    .option('--devices <n>', 'number of simulated devices (default 10)')
    .option('--duration <time>', 'send for this long: seconds, or <n>ms|s|m|h (neither this nor --count: until Ctrl-C)')
    .option('--count <n>', 'send this many messages')
    .option('--profile <name>', `error injection: ${PROFILE_NAMES.join(' | ')} (default "default")`)
    .option('--fault <name=rate>', 'override one fault rate, e.g. late=0.1 (repeatable)', collect)
    .option('--no-drift', "no schema drift, whatever the profile's")
    .option('--no-bursts', "steady rate, whatever the profile's")
    .option('--seed <n>', 'PRNG seed (0–4294967295): the same seed repeats the run')
    .option('--start-time <time>', 'event time of the first message, RFC 3339 or epoch ms (default now)')
    .option(
      '--ledger <file>',
      'append one JSON line per message: sent with its expected fate, or not_sent with the error',
    )
    .option('--input <file>', 'replay this JSON-lines file of message bodies instead of simulating')
    .option('--default-topic <topic>', 'with --input: queue for bodies whose topic is unreadable or not configured')
    .option('--max-record-bytes <n>', "the ingest sink's record limit, what counts as too_large (default 1024000)")
    .option('--concurrency <n>', 'SendMessageBatch calls in flight (default 8)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `\nProfiles:\n${PROFILE_NAMES.map((p) => `  ${p}: ${PROFILES[p].description}`).join('\n')}\n` +
        `Faults: ${MESSAGE_FAULTS.join(', ')}.\n` +
        'Progress goes to stderr, the summary to stdout. See docs/simulator.md for the ledger format.',
    )
    .action(async (flags: SimulateFlags) => {
      const options = optionsFromFlags(flags, process.env);
      validate(options);
      const interrupt = abortOnInterrupt();
      const tty = process.stderr.isTTY;
      let summary: SimulationSummary;
      try {
        summary = await runSimulation(options, {
          signal: interrupt.signal,
          onProgress: (p) => process.stderr.write(tty ? `\r\x1b[2K${progressLine(p)}` : `${progressLine(p)}\n`),
        });
      } finally {
        if (tty) process.stderr.write('\n');
        interrupt.dispose();
      }
      process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : humanSummary(summary));
      if (summary.failed > 0) {
        const where = summary.ledger === null ? '' : '; the ledger lists them as not_sent with the error';
        process.stderr.write(`simulate: ${n(summary.failed)} messages could not be sent${where}\n`);
        process.exitCode = 1;
      }
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
