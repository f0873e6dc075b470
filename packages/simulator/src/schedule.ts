import type { Bursts } from './profiles.js';

/**
 * When each message is due, in ms after the start: one every 1000 / rate ms, faster
 * during bursts. Computed from the message count alone, so a seeded run plans the same
 * messages at the same offsets whatever the machine's speed.
 */
export class Schedule {
  // Due times are counted from the start of the current steady stretch, not summed
  // step by step, so rounding errors do not pile up over a long run.
  private stretchStartMs = 0;
  private stretchRate: number;
  private inStretch = 0;

  constructor(
    private readonly rate: number,
    private readonly bursts: Bursts | null,
  ) {
    this.stretchRate = this.rateAt(0);
  }

  /** True when `atMs` falls in a burst: the last `lengthMs` of each `everyMs`. */
  inBurst(atMs: number): boolean {
    if (!this.bursts) return false;
    return atMs % this.bursts.everyMs >= this.bursts.everyMs - this.bursts.lengthMs;
  }

  private rateAt(atMs: number): number {
    return this.inBurst(atMs) ? this.rate * (this.bursts?.multiplier ?? 1) : this.rate;
  }

  /** The due time of the next message. */
  next(): number {
    let due = this.stretchStartMs + (this.inStretch * 1000) / this.stretchRate;
    const rate = this.rateAt(due);
    if (rate !== this.stretchRate) {
      this.stretchStartMs = due;
      this.stretchRate = rate;
      this.inStretch = 0;
      due = this.stretchStartMs;
    }
    this.inStretch++;
    return due;
  }
}
