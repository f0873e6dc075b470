import { randomUUID } from 'node:crypto';
import { ConfigError, parseSemanticSchema, SEMANTIC_TYPES, type SemanticType } from '@lean-ops/core';
import { createRedis } from '@lean-ops/worker-scheduler';
import type { Command } from 'commander';
import {
  print,
  runQueueFor,
  type SchedulerFlags,
  schedulerContext,
  withSchedulerFlags,
  withStateStores,
} from './scheduler-context.js';

/** `lean-ops drift list|approve`: undeclared curated columns found by the semantic job. */
export function registerDriftCommand(program: Command): void {
  const drift = program
    .command('drift')
    .description('schema drift: curated columns the semantic schema does not declare');
  withSchedulerFlags(
    drift.command('list').description('list drift entries').option('-t, --topic <topic>', 'only this topic'),
  )
    .option('--json', 'print JSON')
    .action(async (flags: SchedulerFlags & { topic?: string; json?: boolean }) => {
      const entries = await withStateStores(schedulerContext(flags).env, (state) => state.drift.list(flags.topic));
      if (flags.json) print(JSON.stringify(entries, null, 2));
      else if (entries.length === 0) print('no drift');
      else {
        for (const e of entries) {
          const what = e.column === '*' ? '(no semantic schema)' : e.column;
          print(`${e.topic}\t${what}\t${e.status}\tfirst seen ${e.first_seen}`);
        }
      }
    });
  withSchedulerFlags(
    drift
      .command('approve')
      .description('declare a drifted column: registers the next schema version with it and re-runs the topic')
      .requiredOption('-t, --topic <topic>', 'the topic')
      .requiredOption('--column <name>', 'the drifted curated column')
      .option('--type <type>', `its semantic type: ${SEMANTIC_TYPES.join(' | ')}`, 'string')
      .option(
        '--backfill',
        'also rebuild the semantic table (a reprocess), so rows curated before get the column too (docs/reprocess.md)',
      ),
  ).action(async (flags: SchedulerFlags & { topic: string; column: string; type: string; backfill?: boolean }) => {
    if (!SEMANTIC_TYPES.includes(flags.type as SemanticType)) {
      throw new ConfigError('--type', [`expected one of ${SEMANTIC_TYPES.join(', ')} (got "${flags.type}")`]);
    }
    const { config, env, prefix } = schedulerContext(flags);
    await withStateStores(env, async (state) => {
      const entry = (await state.drift.list(flags.topic)).find((e) => e.column === flags.column);
      if (!entry) throw new ConfigError('--column', [`no drift entry for ${flags.topic}.${flags.column}`]);
      const latest = await state.schemas.latest(flags.topic);
      if (!latest) {
        throw new ConfigError('--topic', [
          `${flags.topic} has no semantic schema yet: register one with lean-ops schema register`,
        ]);
      }
      const next = parseSemanticSchema({
        ...latest,
        version: latest.version + 1,
        columns: [...latest.columns, { name: flags.column, type: flags.type, required: false }],
      });
      await state.schemas.register(next);
      await state.drift.setStatus(flags.topic, flags.column, 'approved');
      print(`approved ${flags.topic}.${flags.column} as ${flags.type}: schema v${next.version} registered`);
      // The semantic job adds the new column to the table on its next run: ask for one now.
      const connection = createRedis(env.redisUrl);
      connection.on('error', () => undefined);
      const runs = runQueueFor(connection, config, prefix);
      const answerWithin = <T>(work: Promise<T>): Promise<T> =>
        Promise.race([
          work,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Redis did not answer')), 3_000)),
        ]);
      try {
        if (flags.backfill) {
          // The schema is registered either way; without a reachable scheduler the back-fill is not
          // asked, and saying so (exit 1) beats a silent semantic table with empty old rows.
          const request = {
            id: randomUUID(),
            topic: flags.topic,
            layer: 'semantic' as const,
            from_snapshot: null,
            dry_run: false,
            requested_at: new Date().toISOString(),
          };
          try {
            await answerWithin(runs.requestReprocess(request));
            print(
              `reprocess of ${flags.topic} semantic requested (id ${request.id}): every row gets the column; watch it with the status page`,
            );
          } catch (err) {
            process.exitCode = 1;
            print(
              `the back-fill was not requested (${(err as Error).message}): run lean-ops reprocess --topic ${flags.topic} --layer semantic --full`,
            );
          }
          return;
        }
        try {
          await answerWithin(runs.requestRun(flags.topic, 'manual'));
          print(
            `run of ${flags.topic} requested: the semantic table gains the column then (rows curated before stay empty: --backfill fills them)`,
          );
        } catch {
          print(`the semantic table gains the column on the next run of ${flags.topic} (no scheduler reachable now)`);
        }
      } finally {
        connection.disconnect();
        await runs.close().catch(() => undefined);
      }
    });
  });
}
