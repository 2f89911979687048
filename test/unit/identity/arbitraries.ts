// Shared fast-check generators for the identity tests: valid citizen ID numbers built from
// their parts, so the properties cover every province, date and sequence.
import fc from "fast-check";
import { PROVINCE_CODES, citizenIdCheckCharacter } from "../../../kernel/identity";

/** The fixed "now" of the tests: noon, 1 June 2022, China time. */
export const NOW = new Date("2022-06-01T12:00:00+08:00");

/** A string of exactly `length` ASCII digits. */
export function digits(length: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: length, maxLength: length });
}

/** A real YYYY-MM-DD date between `min` and `max` inclusive. */
export function isoDate(min: string, max: string): fc.Arbitrary<string> {
  return fc
    .date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
}

/** The 18-character ID for 17 leading digits. */
export function withCheck(first17: string): string {
  return first17 + citizenIdCheckCharacter(first17);
}

/** A valid 18-character citizen ID with a birth date in [minBirth, maxBirth]. */
export function validId(minBirth = "1900-01-01", maxBirth = "2022-06-01"): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...PROVINCE_CODES), digits(4), isoDate(minBirth, maxBirth), digits(3))
    .map(([province, county, birth, sequence]) => withCheck(province + county + birth.replace(/-/g, "") + sequence));
}

/** The standard's own definition: the weighted sum of all 18 characters (X = 10, weight 2^(18-i)) is 1 mod 11. */
export function satisfiesMod11_2(id: string): boolean {
  let sum = 0;
  let weight = 1;
  for (let i = 17; i >= 0; i--) {
    const c = id.charAt(i);
    sum += (c === "X" ? 10 : Number(c)) * weight;
    weight = (weight * 2) % 11;
  }
  return sum % 11 === 1;
}

/** Every 6-character substring of a string. */
export function sixCharacterPieces(text: string): string[] {
  return Array.from({ length: Math.max(0, text.length - 5) }, (_, i) => text.slice(i, i + 6));
}
