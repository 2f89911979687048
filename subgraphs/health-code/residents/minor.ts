// Under-16s (seed 003): never forced through face verification; bound by household register.
import { chinaToday } from "../../../kernel/identity/dates";

export const MINOR_BELOW_AGE = 16;

/** True when a person born on `birthDate` (a UTC date) is under 16 on `now`'s date in China. */
export function isMinor(birthDate: Date, now: Date = new Date()): boolean {
  const [y, m, d] = chinaToday(now).split("-").map(Number) as [number, number, number];
  const b = birthDate.toISOString().slice(0, 10).split("-").map(Number) as [number, number, number];
  const age = y - b[0] - (m < b[1] || (m === b[1] && d < b[2]) ? 1 : 0);
  return age < MINOR_BELOW_AGE;
}
