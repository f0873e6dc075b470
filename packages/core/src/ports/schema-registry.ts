import type { SemanticSchema } from '../semantic-schema.js';

/** Versioned semantic schemas; a new version must be exactly the latest + 1. */
export interface SchemaRegistry {
  latest(topic: string): Promise<SemanticSchema | null>;
  register(schema: SemanticSchema): Promise<void>;
  list(topic?: string): Promise<readonly SemanticSchema[]>;
}
