/** Per-call limits in the units the service counts (bytes on the wire). */
export interface ChunkLimits {
  readonly maxRecords: number;
  readonly maxBatchBytes: number;
}

/**
 * Splits `items` (in order) into consecutive chunks of at most `maxRecords` items and
 * `maxBatchBytes` bytes. Every item must itself fit `maxBatchBytes`.
 */
export function chunkByLimits<T>(items: readonly T[], bytesOf: (item: T) => number, limits: ChunkLimits): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const bytes = bytesOf(item);
    if (current.length > 0 && (current.length >= limits.maxRecords || currentBytes + bytes > limits.maxBatchBytes)) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Splits `items` into chunks of `size` (SQS batch calls take 10 entries). */
export function chunkBySize<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Groups `items` by `keyOf`, keeping first-seen key order and item order. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
