// GB 11643-1999 citizen ID numbers: 6-digit region, 8-digit birth date, 3-digit sequence (odd
// for men), and an ISO 7064 MOD 11-2 check character. Checks run in a fixed order and each
// failure has its own reason, so the desk learns which part of the number to look at.
// Messages reveal no more of the number than its masked form does (first two, last one).
import type { DocumentCheck, DocumentProblem, IdProblemReason } from "./documents";
import { chinaToday, formatDate, isRealDate } from "./dates";
import { compactDocumentNumber } from "./normalise";
import { isProvinceCode } from "./regions";

// Weight i is 2^(17-i) mod 11; with weight 1 on the check character the weighted sum of all
// 18 characters is 1 mod 11, which is what catches every single-digit error.
const WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = "10X98765432";
const EARLIEST_BIRTH_DATE = "1900-01-01";

/** The MOD 11-2 check character ("0"–"9" or "X") for the first 17 digits of a citizen ID; throws a RangeError on anything else. */
export function citizenIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError("citizenIdCheckCharacter needs exactly 17 digits");
  let sum = 0;
  WEIGHTS.forEach((weight, i) => {
    sum += (first17.charCodeAt(i) - 48) * weight;
  });
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/** Converts a first-generation 15-digit ID (yymmdd birth date, no check character) to 18 characters; throws a RangeError on anything but 15 digits. */
export function upgradeFifteenDigitId(id15: string): string {
  if (!/^\d{15}$/.test(id15)) throw new RangeError("upgradeFifteenDigitId needs exactly 15 digits");
  // First-generation cards were issued from 1984 to people born in the 20th century only.
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + citizenIdCheckCharacter(first17);
}

function problem(reason: IdProblemReason, message: string): DocumentProblem {
  return { ok: false, reason, message };
}

function firstBadCharacter(id: string, allowed: RegExp): number {
  return Array.from(id).findIndex((c, i, all) => !allowed.test(c) || (c === "X" && i !== all.length - 1)) + 1;
}

/** Validates a GB 11643 citizen ID number (18 characters, or 15 upgraded to 18); pure, never throws. */
export function checkCitizenId(raw: string, now: Date = new Date()): DocumentCheck {
  const text = compactDocumentNumber(raw);
  const length = Array.from(text).length;
  if (length === 0) return problem("ID_EMPTY", "No ID number was given: enter the 18 characters from the card.");
  if (length === 15) {
    if (!/^\d{15}$/.test(text)) {
      const at = firstBadCharacter(text, /\d/);
      return problem("ID_CHARACTERS", `A 15-digit ID number has only digits; character ${at} is not a digit: check the number.`);
    }
    return checkEighteen(upgradeFifteenDigitId(text), now, "7–12");
  }
  if (length !== 18) {
    const hint = length < 18 ? "check for a missing digit" : "check for an extra character";
    return problem("ID_LENGTH", `An ID number has 18 characters; this one has ${length}: ${hint}.`);
  }
  if (!/^\d{17}[\dX]$/.test(text)) {
    const at = firstBadCharacter(text, /[\dX]/);
    return problem("ID_CHARACTERS", `An ID number is 17 digits then a digit or X; character ${at} is not allowed there: check the number.`);
  }
  return checkEighteen(text, now, "7–14");
}

// `dateChars` names where the birth date sits in what the person typed (a 15-digit number
// holds it in characters 7–12).
function checkEighteen(id: string, now: Date, dateChars: string): DocumentCheck {
  const province = id.slice(0, 2);
  if (!isProvinceCode(province)) {
    return problem("ID_REGION", `The ID number starts with ${province}, which is not a province code: check the first two digits.`);
  }
  const date = { year: Number(id.slice(6, 10)), month: Number(id.slice(10, 12)), day: Number(id.slice(12, 14)) };
  if (!isRealDate(date)) {
    return problem("ID_BIRTH_DATE", `The birth date in the ID number (characters ${dateChars}) is not a real date: check the number.`);
  }
  const birthDate = formatDate(date);
  if (birthDate < EARLIEST_BIRTH_DATE) {
    return problem("ID_BIRTH_DATE", `The birth date in the ID number (characters ${dateChars}) is before 1900: check the number.`);
  }
  if (birthDate > chinaToday(now)) {
    return problem("ID_BIRTH_DATE_FUTURE", `The birth date in the ID number (characters ${dateChars}) is in the future: check the number.`);
  }
  const expected = citizenIdCheckCharacter(id.slice(0, 17));
  const actual = id.charAt(17);
  if (actual !== expected) {
    return problem("ID_CHECK_CHARACTER", `The check character is wrong: with these first 17 characters the last one should be ${expected}, not ${actual}. A misread digit anywhere causes this, so re-read all 18 characters against the card rather than changing only the last.`);
  }
  const sex = (id.charCodeAt(16) - 48) % 2 === 1 ? "M" : "F";
  return { ok: true, doc: { type: "CITIZEN_ID", number: id, birthDate, sex, regionCode: id.slice(0, 6) } };
}
