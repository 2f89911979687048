// Masked and generalised forms of personal data, applied by the subgraph that owns a field
// before the value leaves it. MASKED forms let a desk confirm a person; generalised forms
// (district, age band) let auditors count without being able to single anyone out.
import { chinaToday, parseIsoDate } from "./dates";

export { maskName } from "./maskName";

/** Where a person lives, as the community register holds it. */
export interface Address {
  district?: string;
  community?: string;
  detail?: string;
}

function stars(count: number): string {
  return "*".repeat(Math.max(0, count));
}

/** Masks a document number to its first 2 and last 2 characters (`11**************14`); under 5 characters, all `*`. */
export function maskIdNumber(id: string): string {
  const chars = Array.from(id);
  // With 4 or fewer characters, first 2 + last 2 would be the whole number.
  if (chars.length < 5) return stars(chars.length);
  return chars.slice(0, 2).join("") + stars(chars.length - 4) + chars.slice(-2).join("");
}

/** Masks a phone number: an 11-digit mobile keeps first 3 and last 4 (`138****5678`), anything else only its last 2. */
export function maskPhone(phone: string): string {
  if (/^\d{11}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  const chars = Array.from(phone);
  // Two characters or fewer would be shown whole by "keep the last 2".
  if (chars.length <= 2) return stars(chars.length);
  return stars(chars.length - 2) + chars.slice(-2).join("");
}

/** The district and community of an address, without the street detail (`朝阳区 望京街道某社区`). */
export function maskAddress(a: Address): string {
  return [a.district, a.community].map((part) => part?.trim() ?? "").filter((part) => part !== "").join(" ");
}

/** The district of an address only, the granularity auditors see. */
export function generaliseAddress(a: Address): string {
  return a.district?.trim() ?? "";
}

/** The year of a YYYY-MM-DD birth date; throws a RangeError on anything but a real date. */
export function birthYear(birthDate: string): number {
  return parseBirthDate(birthDate).year;
}

/** The 10-year age band (`"30-39"`, or `"80+"`) of a YYYY-MM-DD birth date on `now`, counted in China's calendar; throws a RangeError on a malformed or future date. */
export function ageBand(birthDate: string, now: Date = new Date()): string {
  const birth = parseBirthDate(birthDate);
  const today = parseBirthDate(chinaToday(now));
  const hadBirthday = today.month > birth.month || (today.month === birth.month && today.day >= birth.day);
  const age = today.year - birth.year - (hadBirthday ? 0 : 1);
  if (age < 0) throw new RangeError("ageBand was given a birth date in the future");
  // Few people are over 80, so finer bands there would single them out.
  if (age >= 80) return "80+";
  const low = Math.floor(age / 10) * 10;
  return `${low}-${low + 9}`;
}

function parseBirthDate(text: string) {
  const date = parseIsoDate(text);
  if (!date) throw new RangeError("A birth date must be a real date written YYYY-MM-DD");
  return date;
}
