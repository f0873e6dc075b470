import { readFileSync } from 'node:fs';
import { parseSemanticSchema, type SemanticSchema } from '@lean-ops/core';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import {
  print,
  type SchedulerFlags,
  schedulerContext,
  withSchedulerFlags,
  withStateStores,
} from './scheduler-context.js';

const describeSchema = (s: SemanticSchema): string =>
  `${s.topic} v${s.version}: ${s.columns.map((c) => `${c.name} ${c.type}${c.required ? ' required' : ''}`).join(', ')}`;

/** `lean-ops schema register|list|show`: the semantic schema registry (DynamoDB). */
export function registerSchemaCommand(program: Command): void {
  const schema = program.command('schema').description('the semantic schema registry');
  withSchedulerFlags(
    schema
      .command('register')
      .description('register a new schema version for a topic (the latest + 1)')
      .requiredOption('-t, --topic <topic>', 'the topic')
      .requiredOption('-f, --file <file>', 'JSON or YAML: {"columns":[{"name","type","required"}]} (version optional)'),
  ).action(async (flags: SchedulerFlags & { topic: string; file: string }) => {
    const { env } = schedulerContext(flags);
    const text = readFileSync(flags.file, 'utf8');
    const body = (flags.file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Record<string, unknown>;
    await withStateStores(env, async (state) => {
      const latest = await state.schemas.latest(flags.topic);
      const next = parseSemanticSchema(
        { version: (latest?.version ?? 0) + 1, ...body, topic: flags.topic },
        `schema in ${flags.file}`,
      );
      await state.schemas.register(next);
      print(`registered ${describeSchema(next)}`);
    });
  });
  withSchedulerFlags(
    schema.command('list').description('list registered schemas').option('-t, --topic <topic>', 'only this topic'),
  )
    .option('--json', 'print JSON')
    .action(async (flags: SchedulerFlags & { topic?: string; json?: boolean }) => {
      const all = await withStateStores(schedulerContext(flags).env, (state) => state.schemas.list(flags.topic));
      print(flags.json ? JSON.stringify(all, null, 2) : all.map(describeSchema).join('\n') || 'no schemas registered');
    });
  withSchedulerFlags(
    schema
      .command('show')
      .description('print one schema (the latest unless --version)')
      .requiredOption('-t, --topic <topic>', 'the topic')
      .option('--version <n>', 'a version'),
  ).action(async (flags: SchedulerFlags & { topic: string; version?: string }) => {
    const all = await withStateStores(schedulerContext(flags).env, (state) => state.schemas.list(flags.topic));
    const found = flags.version ? all.find((s) => s.version === Number(flags.version)) : all.at(-1);
    if (!found) throw new Error(`no schema ${flags.version ? `v${flags.version} ` : ''}for topic ${flags.topic}`);
    print(JSON.stringify(found, null, 2));
  });
}
