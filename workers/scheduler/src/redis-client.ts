import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ: `maxRetriesPerRequest: null` so commands wait through a
 * Redis restart instead of failing (BullMQ requires it for workers).
 */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
