import type { z } from 'zod';

/** `a.b[0].c` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One line per problem, each naming the key and what was expected, e.g.
 * `thresholds.backlogRecords: Invalid input: expected number, received string (got "ten")`.
 */
export function formatZodIssues(error: z.ZodError, input: unknown, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...path, key])}: unknown key`);
    }
    if (issue.code === 'invalid_key') {
      // A record key failed its own schema: say why, not just "Invalid key in record".
      return [`${formatPath(path)}: invalid key: ${issue.issues.map((inner) => inner.message).join('; ')}`];
    }
    const value = valueAt(input, issue.path);
    const got = value === undefined ? ' (missing)' : ` (got ${preview(value)})`;
    return [`${formatPath(path)}: ${issue.message}${got}`];
  });
}
