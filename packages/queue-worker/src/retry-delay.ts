/**
 * RETRY visibility delay for a message received `receiveCount` times: exponential from
 * `base`, capped, with ±20 % jitter so a failed batch does not come back as one wave.
 */
export function retryDelaySeconds(
  receiveCount: number,
  base: number,
  cap: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(cap, base * 2 ** Math.max(0, receiveCount - 1));
  const jittered = exponential * (0.8 + 0.4 * random());
  return Math.max(0, Math.min(cap, Math.round(jittered)));
}
