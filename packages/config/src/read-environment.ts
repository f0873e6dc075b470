import { ConfigError, formatZodIssues } from '@lean-ops/core';
import type { z } from 'zod';

/**
 * Reads a service's deployment wiring from environment variables (SST sets them on the
 * Fargate task) into `schema`; `overrides` (CLI flags) win. Keys listed in `jsonKeys` hold
 * JSON. Every problem is reported with the variable's name.
 */
export function readEnvironment<S extends z.ZodType>(
  source: string,
  schema: S,
  names: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
  overrides: Readonly<Record<string, unknown>> = {},
  jsonKeys: readonly string[] = [],
): z.output<S> {
  const raw: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const [key, name] of Object.entries(names)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (jsonKeys.includes(key)) {
      try {
        raw[key] = JSON.parse(text);
      } catch {
        issues.push(`${name}: expected JSON (got ${text.slice(0, 40)})`);
      }
    } else raw[key] = text;
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) raw[key] = value;
  if (issues.length > 0) throw new ConfigError(source, issues);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const named = formatZodIssues(parsed.error, raw).map((line) => {
    const key = line.slice(0, line.search(/[.[:]/));
    return names[key] ? `${names[key]} (${line})` : line;
  });
  throw new ConfigError(source, named);
}
