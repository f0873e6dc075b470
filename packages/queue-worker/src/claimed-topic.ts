/** The topic a dropped message claimed, when its body is JSON with a string `topic`; the quarantine's partition. */
export function claimedTopic(body: string): string | null {
  if (body.length > 1_048_576) return null;
  try {
    const topic = (JSON.parse(body) as { topic?: unknown } | null)?.topic;
    return typeof topic === 'string' && topic.length <= 256 ? topic : null;
  } catch {
    return null;
  }
}
