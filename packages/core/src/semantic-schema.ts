import { z } from 'zod';
import { curatedColumnName } from './column-name.js';
import { SchemaError } from './errors.js';
import { TOPIC_NAME_PATTERN } from './message.js';
import { formatZodIssues } from './zod-issues.js';

export const SEMANTIC_TYPES = ['string', 'long', 'double', 'boolean', 'timestamp'] as const;
export type SemanticType = (typeof SEMANTIC_TYPES)[number];

export const semanticColumnSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(128)
    .refine((n) => curatedColumnName(n) === n, {
      message: 'must be a curated column name: [a-z0-9_] only, not a metadata column (use payload_<name>)',
    }),
  type: z.enum(SEMANTIC_TYPES),
  required: z.boolean().default(false),
});

/**
 * A topic's semantic schema (contract §5), as an operator registers it. Column names
 * are curated column names, so each declared column reads exactly one curated column.
 */
export const semanticSchemaSchema = z
  .strictObject({
    topic: z.string().regex(TOPIC_NAME_PATTERN),
    version: z.number().int().positive(),
    columns: z.array(semanticColumnSchema).min(1),
  })
  .superRefine((schema, ctx) => {
    const seen = new Set<string>();
    schema.columns.forEach((column, i) => {
      if (seen.has(column.name)) {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'name'], message: `duplicate column "${column.name}"` });
      }
      seen.add(column.name);
    });
  });

export type SemanticSchema = z.output<typeof semanticSchemaSchema>;
export type SemanticColumn = SemanticSchema['columns'][number];

/** Validates a schema from an operator or a file; throws `SchemaError` naming every bad key. */
export function parseSemanticSchema(input: unknown, source = 'semantic schema'): SemanticSchema {
  const parsed = semanticSchemaSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SchemaError(`Invalid ${source}:\n  - ${formatZodIssues(parsed.error, input).join('\n  - ')}`);
}
