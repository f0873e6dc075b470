const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * `epochMs` as RFC 3339 with milliseconds in the device's fixed UTC offset, as a device
 * with a local clock writes it: `2025-03-01T14:05:09.123+01:00`, or `…Z` at offset 0.
 */
export function formatRfc3339(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  if (offsetMinutes === 0) return `${local}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
