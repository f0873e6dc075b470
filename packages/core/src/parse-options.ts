import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { formatZodIssues } from './zod-issues.js';

/**
 * Validates a component's options once, at construction: the parsed value, or a
 * `ConfigError` naming every bad key (`source` says whose options they are).
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigError(source, formatZodIssues(parsed.error, input));
}
