/** What a body says about itself, read the way the ingest's quarantine reads it. */
export interface BodyClaims {
  /** Its `topic` when the body is JSON with a string `topic`, else null. */
  readonly topic: string | null;
  /** Its `device_id` when a string, else null. */
  readonly deviceId: string | null;
}

/** SQS's largest message; a longer body could not have been sent, so it claims nothing. */
const MAX_BODY_CHARS = 1_048_576;
/** Longest `topic` reported as claimed, as the ingest's quarantine does. */
const MAX_TOPIC_CHARS = 256;

const NOTHING: BodyClaims = { topic: null, deviceId: null };

/** The claims of `body`; the `topic` follows the rule of the quarantine entries' `topic`. */
export function bodyClaims(body: string): BodyClaims {
  if (body.length > MAX_BODY_CHARS) return NOTHING;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return NOTHING;
  }
  if (typeof value !== 'object' || value === null) return NOTHING;
  const { topic, device_id: deviceId } = value as { topic?: unknown; device_id?: unknown };
  return {
    topic: typeof topic === 'string' && topic.length <= MAX_TOPIC_CHARS ? topic : null,
    deviceId: typeof deviceId === 'string' ? deviceId : null,
  };
}
