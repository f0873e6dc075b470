/**
 * Checks the alarm topic's subscribers from the stage config (stacks/stage.ts) before anything
 * is deployed: SNS accepts an `email` subscription to any text and an `https` one to any URL,
 * and a typo only shows as alarms that never arrive.
 *
 * Plain TypeScript with no imports (runs under vitest and the root tsconfig).
 */

/** What SNS needs of a subscriber; `protocol` as SNS spells it. */
export interface AlarmSubscriberInput {
  readonly protocol: string;
  readonly endpoint: string;
}

// One @, no spaces, a dot in the domain: catches typos, not every RFC 5322 address.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// https://, a host, then anything without spaces (SNS itself checks the rest when it confirms).
const HTTPS_URL = /^https:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/;

/**
 * The subscribers, checked.
 *
 * @throws Error naming the stage, the subscriber's position and what is wrong with it.
 */
export function checkAlarmSubscribers<T extends AlarmSubscriberInput>(stage: string, subscribers: readonly T[]): T[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  subscribers.forEach((s, i) => {
    const where = `alarms.subscribers[${i}]`;
    if (s.protocol === 'email') {
      if (!EMAIL.test(s.endpoint)) problems.push(`${where}: ${JSON.stringify(s.endpoint)} is not an e-mail address`);
    } else if (s.protocol === 'https') {
      if (!HTTPS_URL.test(s.endpoint)) problems.push(`${where}: ${JSON.stringify(s.endpoint)} is not an https:// URL`);
    } else {
      problems.push(`${where}: protocol ${JSON.stringify(s.protocol)} is not "email" or "https"`);
    }
    const key = `${s.protocol} ${s.endpoint}`;
    if (seen.has(key)) problems.push(`${where}: ${key} is listed twice`);
    seen.add(key);
  });
  if (problems.length > 0) {
    throw new Error(`stage ${stage}: invalid alarm subscribers (stacks/stage.ts):\n  - ${problems.join('\n  - ')}`);
  }
  return [...subscribers];
}
