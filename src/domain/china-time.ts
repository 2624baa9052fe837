/**
 * China Standard Time (UTC+8, no daylight saving): the vendors' days and clocks. The one place
 * that shifts an instant into it.
 */
const OFFSET_MS = 8 * 3_600_000;

/** yyyy-mm-dd of an instant, in China time. */
export function chinaDay(at: Date | number): string {
  return new Date(new Date(at).getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** "yyyy-MM-dd HH:mm:ss" of an instant, in China time (the vendors' timestamp format). */
export function chinaDateTime(at: Date | number): string {
  return new Date(new Date(at).getTime() + OFFSET_MS).toISOString().replace('T', ' ').slice(0, 19);
}

/** The hour (0-23) of an instant, in China time. */
export function chinaHour(at: Date | number): number {
  return new Date(new Date(at).getTime() + OFFSET_MS).getUTCHours();
}
