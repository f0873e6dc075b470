import type { SemanticSchema } from './semantic-schema.js';

/** One configured topic: its queue carries messages whose `topic` field is `name`. */
export interface TopicConfig {
  readonly name: string;
  /** Semantic schema from the config file; the schema registry may hold newer versions. */
  readonly schema?: SemanticSchema | undefined;
}
