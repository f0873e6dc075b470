import type { MaintenanceWindow } from '@lean-ops/config';
import { CronExpressionParser } from 'cron-parser';
import type { Redis } from 'ioredis';

/**
 * The start (epoch ms) of the window open at `now`, or null when none is: the latest firing
 * of `window.pattern` at or before `now` in `window.tz` (the cron parser BullMQ uses, so its
 * DST handling: a local time skipped by a spring-forward change does not fire that day),
 * when `now` is less than `durationSeconds` after it.
 */
export function openWindowStart(window: MaintenanceWindow, now: number): number | null {
  // prev() is strictly before currentDate; one millisecond later makes a firing at `now` count.
  const start = CronExpressionParser.parse(window.pattern, { tz: window.tz, currentDate: new Date(now + 1) })
    .prev()
    .getTime();
  return now < start + window.durationSeconds * 1000 ? start : null;
}

const MAX_CHECK_MS = 15 * 60_000;
const MIN_CHECK_MS = 60_000;

/**
 * How often a topic's maintenance timer ticks under a window: a quarter of the window
 * (60 s to 15 min), never more seldom than the interval, so every window sees several ticks.
 */
export function windowCheckMs(window: MaintenanceWindow, intervalMs: number): number {
  const quarter = Math.floor((window.durationSeconds * 1000) / 4);
  return Math.min(intervalMs, MAX_CHECK_MS, Math.max(MIN_CHECK_MS, quarter));
}

/**
 * Is maintenance due at `now`: inside an open window, and the interval passed since the last
 * maintenance request (`lastMs`, null for none). Ticks come every `checkMs`, so "passed" is
 * to within half a tick: a daily interval with a daily window maintains at the same tick each day.
 */
export function maintenanceDue(input: {
  readonly window: MaintenanceWindow;
  readonly intervalMs: number;
  readonly checkMs: number;
  readonly lastMs: number | null;
  readonly now: number;
}): boolean {
  const { window, intervalMs, checkMs, lastMs, now } = input;
  if (openWindowStart(window, now) === null) return false;
  return lastMs === null || now - lastMs >= intervalMs - checkMs / 2;
}

/**
 * When a topic's maintenance is asked for. Without a window (the default) the timer ticks
 * every interval and each tick asks, as it always has. With one, the timer ticks every
 * `windowCheckMs` and a tick asks only when `maintenanceDue`; the time of the last request
 * per topic lives in Redis (`<prefix>:maintained-at:<topic>`), so a restarted scheduler
 * does not maintain again in the same window.
 */
export class MaintenanceSchedule {
  /** The maintenance timers' period; 0 = no timers. */
  readonly tickMs: number;

  constructor(
    private readonly options: {
      readonly connection: Redis;
      readonly prefix: string;
      /** 0 = maintenance off. */
      readonly intervalMs: number;
      readonly window?: MaintenanceWindow | undefined;
    },
  ) {
    const { intervalMs, window } = options;
    this.tickMs = intervalMs > 0 && window !== undefined ? windowCheckMs(window, intervalMs) : intervalMs;
  }

  /** Whether a tick of `topic` at `now` asks for maintenance; records the request when it does. */
  async due(topic: string, now: number = Date.now()): Promise<boolean> {
    const { window, intervalMs, connection } = this.options;
    if (window === undefined) return true;
    const key = `${this.options.prefix}:maintained-at:${topic}`;
    const last = await connection.get(key);
    const lastMs = last === null || !Number.isFinite(Number(last)) ? null : Number(last);
    if (!maintenanceDue({ window, intervalMs, checkMs: this.tickMs, lastMs, now })) return false;
    await connection.set(key, String(now));
    return true;
  }
}
