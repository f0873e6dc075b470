/**
 * `event_timestamp` normalisation (contract §1): an RFC 3339 string with an offset,
 * or integer epoch milliseconds, becomes UTC microseconds since the epoch, held as a
 * `bigint` because microseconds past the year 2255 exceed `Number.MAX_SAFE_INTEGER`.
 *
 * Choices where the contract is silent (docs/contract.md):
 * - fractional seconds beyond microseconds are truncated, as Spark and Iceberg do;
 * - the date-time separator may be `T` or `t`, the UTC designator `Z` or `z`;
 * - leap seconds (`:60`) are rejected: neither lake engine can store them;
 * - years 0001–9999 only, the range every engine and Iceberg's `timestamptz` share.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function utcMillis(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps the years 0–99 to 1900–1999.
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

/** Smallest and largest representable instants: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z. */
export const MIN_MICROS = BigInt(utcMillis(1, 1, 1, 0, 0, 0)) * 1000n;
export const MAX_MICROS = BigInt(utcMillis(9999, 12, 31, 23, 59, 59)) * 1000n + 999_999n;

function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

function inRange(micros: bigint): boolean {
  return micros >= MIN_MICROS && micros <= MAX_MICROS;
}

/** Parses an RFC 3339 date-time with offset; `undefined` when it is not one. */
export function parseRfc3339Micros(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = BigInt((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  const millis = utcMillis(y, mo, d, h, mi, s) - offsetMinutes * 60_000;
  const micros = BigInt(millis) * 1000n + fraction;
  return inRange(micros) ? micros : undefined;
}

/**
 * Normalises a raw `event_timestamp` to UTC microseconds since the epoch, or returns
 * `undefined` when it is neither an RFC 3339 string with offset nor an integer of epoch
 * milliseconds within 0001–9999.
 */
export function normaliseEventTimestamp(value: unknown): bigint | undefined {
  if (typeof value === 'string') return parseRfc3339Micros(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const micros = BigInt(value) * 1000n;
    return inRange(micros) ? micros : undefined;
  }
  return undefined;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Writes UTC microseconds as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six fraction digits). */
export function formatMicros(micros: bigint): string {
  if (!inRange(micros)) throw new RangeError(`timestamp out of range: ${micros} µs`);
  // Floor division: BigInt division truncates toward zero, wrong before 1970.
  let ms = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    ms -= 1n;
    rest += 1000n;
  }
  const date = new Date(Number(ms));
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}` +
    `.${pad(date.getUTCMilliseconds() * 1000 + Number(rest), 6)}Z`
  );
}

/** `YYYY-MM` of a UTC instant: the default `period_reference`. */
export function periodOfMicros(micros: bigint): string {
  return formatMicros(micros).slice(0, 7);
}

/** Epoch milliseconds (e.g. SQS `SentTimestamp`) to microseconds. */
export function millisToMicros(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * 1000n;
}
