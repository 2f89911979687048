// Times as a resident in the seeds' cities reads them: Beijing time (UTC+8), "09:40 tomorrow".

const HHMM = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
const DATE = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", day: "numeric", month: "short" });

/** The calendar day in Beijing as a day number, to compare "today" and "tomorrow". */
function dayNumber(d: Date): number {
  return Date.parse(`${DAY.format(d)}T00:00:00Z`) / 86_400_000;
}

/** "09:40 today", "09:40 tomorrow" or "09:40 on 28 Nov", relative to `now`, in Beijing time. */
export function relativeTime(at: Date, now: Date): string {
  const days = dayNumber(at) - dayNumber(now);
  const when = days === 0 ? "today" : days === 1 ? "tomorrow" : `on ${DATE.format(at)}`;
  return `${HHMM.format(at)} ${when}`;
}
