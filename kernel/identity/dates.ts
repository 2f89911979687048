// Calendar helpers for birth dates. ID numbers carry China's civil date, so "today" is taken in
// China Standard Time (UTC+8, no daylight saving since 1991), not in the server's time zone.

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A calendar date as three integers. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Whether year/month/day is a real Gregorian date (29 February only in leap years). */
export function isRealDate({ year, month, day }: CalendarDate): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Today's date in China (UTC+8) as YYYY-MM-DD. */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Formats a date as YYYY-MM-DD; such strings compare correctly as plain strings. */
export function formatDate({ year, month, day }: CalendarDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Parses a real YYYY-MM-DD date, or returns undefined. */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isRealDate(date) ? date : undefined;
}
