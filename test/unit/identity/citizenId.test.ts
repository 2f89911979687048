// Example tests for GB 11643 citizen ID validation: one per refusal reason, with its exact code.
import { GraphQLError } from "graphql";
import { checkDocument, citizenIdCheckCharacter, requireDocument, upgradeFifteenDigitId } from "../../../kernel/identity";
import { NOW, satisfiesMod11_2, withCheck } from "./arbitraries";

function reasonFor(raw: string, now = NOW): string {
  const result = checkDocument("CITIZEN_ID", raw, now);
  return result.ok ? "OK" : result.reason;
}

describe("citizen ID: known numbers", () => {
  test("the standard's own example 11010519491231002X is valid", () => {
    expect(checkDocument("CITIZEN_ID", "11010519491231002X", NOW)).toEqual({
      ok: true,
      doc: { type: "CITIZEN_ID", number: "11010519491231002X", birthDate: "1949-12-31", sex: "F", regionCode: "110105" },
    });
  });

  test("the check character of 11010119900307451 is what the MOD 11-2 definition requires", () => {
    const check = citizenIdCheckCharacter("11010119900307451");
    expect(satisfiesMod11_2(`11010119900307451${check}`)).toBe(true);
    // By hand: the weighted sum is 206, 206 mod 11 = 8, and "10X98765432"[8] is "4".
    expect(check).toBe("4");
    expect(reasonFor(`11010119900307451${check}`)).toBe("OK");
  });

  test("sex comes from the 17th digit: odd is M, even is F", () => {
    const man = checkDocument("CITIZEN_ID", withCheck("11010119900307451"), NOW);
    const woman = checkDocument("CITIZEN_ID", withCheck("11010119900307452"), NOW);
    expect(man.ok && man.doc.sex).toBe("M");
    expect(woman.ok && woman.doc.sex).toBe("F");
  });

  test("spaces, full-width digits and a lowercase x are normalised", () => {
    const result = checkDocument("CITIZEN_ID", " 110105 19491231 002x ", NOW);
    expect(result.ok && result.doc.number).toBe("11010519491231002X");
    const fullWidth = checkDocument("CITIZEN_ID", "１１０１０５１９４９１２３１００２Ｘ", NOW);
    expect(fullWidth.ok && fullWidth.doc.number).toBe("11010519491231002X");
  });
});

describe("citizen ID: each refusal has its own reason", () => {
  test("ID_EMPTY", () => {
    expect(reasonFor("")).toBe("ID_EMPTY");
    expect(reasonFor("   ")).toBe("ID_EMPTY");
  });

  test("ID_LENGTH, with a message that counts but does not quote", () => {
    expect(checkDocument("CITIZEN_ID", "11010519491231002", NOW)).toEqual({
      ok: false,
      reason: "ID_LENGTH",
      message: "An ID number has 18 characters; this one has 17: check for a missing digit.",
    });
    expect(reasonFor("11010519491231002X1")).toBe("ID_LENGTH");
    expect(reasonFor("1101051949123")).toBe("ID_LENGTH");
  });

  test("ID_CHARACTERS: a letter, an X before the end, a letter in a 15-digit number", () => {
    expect(reasonFor("11010519491A31002X")).toBe("ID_CHARACTERS");
    expect(reasonFor("1101051949123100X2")).toBe("ID_CHARACTERS");
    expect(reasonFor("11010519491231002Y")).toBe("ID_CHARACTERS");
    expect(reasonFor("11010549123100A")).toBe("ID_CHARACTERS");
  });

  test("ID_REGION: only real province codes", () => {
    const result = checkDocument("CITIZEN_ID", withCheck("99010519491231002"), NOW);
    expect(result).toEqual({
      ok: false,
      reason: "ID_REGION",
      message: "The ID number starts with 99, which is not a province code: check the first two digits.",
    });
    for (const bad of ["00", "10", "16", "24", "38", "47", "55", "60", "66", "70", "72", "80", "84", "91"]) {
      expect(reasonFor(withCheck(`${bad}010519491231002`))).toBe("ID_REGION");
    }
    for (const good of ["11", "15", "46", "54", "65", "71", "81", "82", "83"]) {
      expect(reasonFor(withCheck(`${good}010519491231002`))).toBe("OK");
    }
  });

  test("ID_BIRTH_DATE: not a real date, or before 1900", () => {
    expect(reasonFor(withCheck("11010519900230002"))).toBe("ID_BIRTH_DATE");
    expect(reasonFor(withCheck("11010519901301002"))).toBe("ID_BIRTH_DATE");
    expect(reasonFor(withCheck("11010519900100002"))).toBe("ID_BIRTH_DATE");
    expect(reasonFor(withCheck("11010518991231002"))).toBe("ID_BIRTH_DATE");
    // 1900 is not a leap year (divisible by 100), 2000 is (divisible by 400).
    expect(reasonFor(withCheck("11010519000229002"))).toBe("ID_BIRTH_DATE");
    expect(reasonFor(withCheck("11010520000229002"))).toBe("OK");
    expect(reasonFor(withCheck("11010519000101002"))).toBe("OK");
  });

  test("ID_BIRTH_DATE_FUTURE: compared with today in China time", () => {
    expect(reasonFor(withCheck("11010520220602002"))).toBe("ID_BIRTH_DATE_FUTURE");
    expect(reasonFor(withCheck("11010520220601002"))).toBe("OK");
    // 17:00 UTC on 31 May is already 1 June in Beijing: a baby born that day is registrable.
    expect(reasonFor(withCheck("11010520220601002"), new Date("2022-05-31T17:00:00Z"))).toBe("OK");
    expect(reasonFor(withCheck("11010520220601002"), new Date("2022-05-31T15:59:59Z"))).toBe("ID_BIRTH_DATE_FUTURE");
  });

  test("ID_CHECK_CHARACTER names the expected character only", () => {
    const valid = withCheck("11010119900307451");
    const wrong = valid.endsWith("0") ? "1" : "0";
    expect(checkDocument("CITIZEN_ID", valid.slice(0, 17) + wrong, NOW)).toEqual({
      ok: false,
      reason: "ID_CHECK_CHARACTER",
      message: `The check character is wrong: with these first 17 characters the last one should be ${valid.charAt(17)}, not ${wrong}. A misread digit anywhere causes this, so re-read all 18 characters against the card rather than changing only the last.`,
    });
  });

  test("the checks run in order: length before characters before region before date before check", () => {
    expect(reasonFor("99A")).toBe("ID_LENGTH");
    expect(reasonFor("99010519491231A02X")).toBe("ID_CHARACTERS");
    expect(reasonFor("990105199913310020")).toBe("ID_REGION");
    expect(reasonFor("110105199913310020")).toBe("ID_BIRTH_DATE");
    expect(reasonFor("110105209901010020")).toBe("ID_BIRTH_DATE_FUTURE");
  });
});

describe("first-generation 15-digit numbers", () => {
  test("are upgraded with 19 before the birth date and a check character", () => {
    expect(upgradeFifteenDigitId("110105491231002")).toBe("11010519491231002X");
    const result = checkDocument("CITIZEN_ID", "110105491231002", NOW);
    expect(result.ok && result.doc.number).toBe("11010519491231002X");
  });

  test("report the birth date position as typed (characters 7–12)", () => {
    const result = checkDocument("CITIZEN_ID", "110105490231002", NOW);
    expect(result.ok ? "" : result.message).toContain("characters 7–12");
    expect(result.ok ? "" : result.reason).toBe("ID_BIRTH_DATE");
  });

  test("the helpers refuse malformed input loudly (programming errors)", () => {
    expect(() => upgradeFifteenDigitId("11010549123100")).toThrow(RangeError);
    expect(() => citizenIdCheckCharacter("1101054912310021X")).toThrow(RangeError);
  });
});

describe("requireDocument", () => {
  test("returns the valid document", () => {
    expect(requireDocument("CITIZEN_ID", "11010519491231002x", NOW).number).toBe("11010519491231002X");
  });

  test("throws BAD_USER_INPUT with the reason", () => {
    let caught: unknown;
    try {
      requireDocument("CITIZEN_ID", "11010519491231002", NOW);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GraphQLError);
    const error = caught as GraphQLError;
    expect(error.extensions).toEqual({ code: "BAD_USER_INPUT", reason: "ID_LENGTH" });
    expect(error.message).toBe("An ID number has 18 characters; this one has 17: check for a missing digit.");
  });
});
