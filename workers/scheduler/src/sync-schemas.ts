import type { SchemaRegistry, TopicConfig } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';

/**
 * Registers the schemas the config file declares that the registry does not have yet
 * (a topic's first schema, or the next version). The registry stays the source of truth:
 * a config version at or below the registered one is left alone, with a warning when it
 * differs, and a version that skips one is refused by the registry.
 */
export async function syncConfigSchemas(
  topics: readonly TopicConfig[],
  registry: SchemaRegistry,
  logger: Logger,
): Promise<string[]> {
  const registered: string[] = [];
  for (const { name, schema } of topics) {
    if (!schema) continue;
    const latest = await registry.latest(name);
    if (latest && latest.version >= schema.version) {
      if (latest.version === schema.version && JSON.stringify(latest) !== JSON.stringify(schema)) {
        logger.warn(
          { topic: name, version: schema.version },
          `config schema of ${name} v${schema.version} differs from the registered one; the registry wins (bump the version to change it)`,
        );
      }
      continue;
    }
    await registry.register(schema);
    registered.push(`${name} v${schema.version}`);
  }
  if (registered.length > 0) logger.info({ registered }, 'registered schemas from the config file');
  return registered;
}
