// Property tests: every well-formed ID is accepted, and the MOD 11-2 check character catches
// every single-digit error and every swap of two adjacent different characters.
import fc from "fast-check";
import { checkDocument, citizenIdCheckCharacter, upgradeFifteenDigitId } from "../../../kernel/identity";
import { NOW, digits, satisfiesMod11_2, sixCharacterPieces, validId } from "./arbitraries";

function check(raw: string) {
  return checkDocument("CITIZEN_ID", raw, NOW);
}

function echoes(raw: string, message: string): boolean {
  return sixCharacterPieces(raw).some((piece) => message.includes(piece));
}

describe("citizen ID properties", () => {
  test("every generated valid ID is accepted, normalised and read correctly", () => {
    fc.assert(
      fc.property(validId(), (id) => {
        const result = check(id);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.doc.number).toBe(id);
        expect(result.doc.regionCode).toBe(id.slice(0, 6));
        expect(result.doc.birthDate?.replace(/-/g, "")).toBe(id.slice(6, 14));
        expect(result.doc.sex).toBe(Number(id.charAt(16)) % 2 === 1 ? "M" : "F");
      }),
      { numRuns: 500 },
    );
  });

  test("the check character agrees with the standard's definition (sum of all 18 is 1 mod 11)", () => {
    fc.assert(
      fc.property(digits(17), (first17) => {
        expect(satisfiesMod11_2(first17 + citizenIdCheckCharacter(first17))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test("changing any one of the first 17 digits to another digit is always refused", () => {
    fc.assert(
      fc.property(validId(), (id) => {
        // Plain checks in the loop, one expect at the end: 153 typos per ID add up.
        const missed: string[] = [];
        for (let position = 0; position < 17; position++) {
          for (const digit of "0123456789") {
            if (digit === id.charAt(position)) continue;
            const typo = id.slice(0, position) + digit + id.slice(position + 1);
            const result = check(typo);
            if (result.ok || echoes(typo, result.message)) missed.push(typo);
          }
        }
        expect(missed).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  test("exactly one check character is accepted for a valid ID's first 17 digits", () => {
    fc.assert(
      fc.property(validId(), (id) => {
        const accepted = Array.from("0123456789X").filter((c) => check(id.slice(0, 17) + c).ok);
        expect(accepted).toEqual([id.charAt(17)]);
      }),
    );
  });

  test("swapping two adjacent different characters is always refused", () => {
    fc.assert(
      fc.property(validId(), (id) => {
        for (let i = 0; i < 17; i++) {
          if (id.charAt(i) === id.charAt(i + 1)) continue;
          const swapped = id.slice(0, i) + id.charAt(i + 1) + id.charAt(i) + id.slice(i + 2);
          expect(check(swapped).ok).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("a lowercase x is accepted and normalised to X", () => {
    fc.assert(
      fc.property(validId().filter((id) => id.endsWith("X")), (id) => {
        const result = check(id.toLowerCase());
        expect(result.ok && result.doc.number).toBe(id);
      }),
    );
  });

  test("spaces anywhere and full-width digits are normalised away", () => {
    const fullWidth = (s: string) => Array.from(s, (c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0)).join("");
    fc.assert(
      fc.property(validId(), fc.integer({ min: 0, max: 18 }), fc.boolean(), (id, at, wide) => {
        const typed = ` ${id.slice(0, at)} ${wide ? fullWidth(id.slice(at)) : id.slice(at)} `;
        const result = check(typed);
        expect(result.ok && result.doc.number).toBe(id);
      }),
    );
  });

  test("a 15-digit number upgrades to the valid 18-character number of the same person", () => {
    fc.assert(
      fc.property(validId("1900-01-01", "1999-12-31"), (id) => {
        const id15 = id.slice(0, 6) + id.slice(8, 17);
        expect(upgradeFifteenDigitId(id15)).toBe(id);
        const result = check(id15);
        expect(result.ok && result.doc.number).toBe(id);
      }),
    );
  });

  test("a wrong check character is reported without echoing the number", () => {
    fc.assert(
      fc.property(validId(), fc.constantFrom(..."0123456789X"), (id, last) => {
        fc.pre(last !== id.charAt(17));
        const result = check(id.slice(0, 17) + last);
        expect(result.ok ? "OK" : result.reason).toBe("ID_CHECK_CHARACTER");
        if (result.ok) return;
        expect(result.message).not.toContain(id.slice(0, 17));
        expect(echoes(id.slice(0, 17), result.message)).toBe(false);
        expect(result.message).toContain(`should be ${id.charAt(17)}`);
      }),
      { numRuns: 300 },
    );
  });

  test("arbitrary input never throws and refusals never echo six characters of it", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 25 }), (raw) => {
        const result = check(raw);
        if (!result.ok) expect(echoes(raw.replace(/\s/g, ""), result.message)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
