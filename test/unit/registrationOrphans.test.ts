// The pure parts of registration orphans: which numbers are one misread away and valid, how the
// scanned number is sealed, the retention setting, and the phone match key.
import { randomBytes } from "node:crypto";
import { checkDocument, citizenIdCheckCharacter } from "../../kernel/identity";
import { phoneMatchKey } from "../../kernel/privacy/phoneMatch";
import { retentionDaysFromEnv, scannedNumbers, validNeighbours } from "../../subgraphs/testing/registrationOrphans";

const id = (first17: string) => first17 + citizenIdCheckCharacter(first17);

describe("valid neighbours of a scanned number", () => {
  test("a passport number: its adjacent transpositions and substitutions that pass validation, never itself", () => {
    const near = validNeighbours("PASSPORT", "E12345687");
    expect(near.get("E12345678")).toBe("TRANSPOSITION");
    expect(near.get("E12345680")).toBe("SUBSTITUTION");
    expect(near.has("E12345687")).toBe(false);
    for (const n of near.keys()) expect(checkDocument("PASSPORT", n).ok).toBe(true);
    // Two edits away is no neighbour.
    expect(near.has("E12345600")).toBe(false);
  });

  test("a citizen ID: no valid number is one edit away (GB 11643), so edits of the first 17 characters count, check character recomputed", () => {
    for (let i = 0; i < 200; i++) {
      const first17 = `110105${1950 + (i % 60)}0${1 + (i % 9)}1${i % 10}${String(i).padStart(3, "0").slice(-3)}`;
      const number = id(first17);
      // Every one-edit change of a valid ID number fails its check character.
      for (let k = 0; k < 18; k++) for (const c of "0123456789X") {
        const sub = number.slice(0, k) + c + number.slice(k + 1);
        if (sub !== number) expect(checkDocument("CITIZEN_ID", sub).ok).toBe(false);
      }
      for (let k = 0; k < 17; k++) {
        const swap = number.slice(0, k) + number[k + 1] + number[k] + number.slice(k + 2);
        if (swap !== number) expect(checkDocument("CITIZEN_ID", swap).ok).toBe(false);
      }
    }
    const right = id("11010519870315123");
    const scanned = id("11010519870315132"); // the last two body digits swapped, check character consistent
    const near = validNeighbours("CITIZEN_ID", scanned);
    expect(near.get(right)).toBe("TRANSPOSITION");
    expect(near.get(id("11010519870315133"))).toBe("SUBSTITUTION");
    // A month 13 is no candidate: neighbours pass validation.
    expect(near.has(id("11010519871315132"))).toBe(false);
    for (const n of near.keys()) expect(checkDocument("CITIZEN_ID", n).ok).toBe(true);
  });
});

describe("the scanned number, sealed", () => {
  test("opens only with the same pepper and document type; the sealed text does not contain the number", () => {
    const pepper = randomBytes(32);
    const numbers = scannedNumbers(pepper, {});
    const sealed = numbers.seal("PASSPORT", "E12345678");
    expect(sealed).not.toContain("12345678");
    expect(numbers.open("PASSPORT", sealed)).toBe("E12345678");
    expect(numbers.open("CITIZEN_ID", sealed)).toBeNull();
    expect(scannedNumbers(randomBytes(32), {}).open("PASSPORT", sealed)).toBeNull();
  });

  test("retention: 14 days by default, 1 to 90 whole days, anything else refused", () => {
    expect(retentionDaysFromEnv({})).toBe(14);
    expect(retentionDaysFromEnv({ TESTING_SCANNED_NUMBER_RETENTION_DAYS: "30" })).toBe(30);
    expect(scannedNumbers(randomBytes(32), { TESTING_SCANNED_NUMBER_RETENTION_DAYS: "2" }).retentionMs).toBe(2 * 86_400_000);
    for (const bad of ["0", "91", "1.5", "two"]) expect(() => retentionDaysFromEnv({ TESTING_SCANNED_NUMBER_RETENTION_DAYS: bad })).toThrow(/TESTING_SCANNED_NUMBER_RETENTION_DAYS/);
  });
});

test("phone match keys: equal for the same phone and pepper, different otherwise, never the number", () => {
  const pepper = randomBytes(32);
  expect(phoneMatchKey(pepper, "13800138000")).toBe(phoneMatchKey(pepper, "13800138000"));
  expect(phoneMatchKey(pepper, "13800138001")).not.toBe(phoneMatchKey(pepper, "13800138000"));
  expect(phoneMatchKey(randomBytes(32), "13800138000")).not.toBe(phoneMatchKey(pepper, "13800138000"));
  expect(phoneMatchKey(pepper, "13800138000")).not.toContain("138");
});
