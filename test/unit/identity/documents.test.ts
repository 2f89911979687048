// Passports, permits, permanent-residence cards and mobile numbers: format checks and normalisation.
import fc from "fast-check";
import { checkDocument, checkMobilePhone, requireDocument } from "../../../kernel/identity";
import type { DocumentType } from "../../../kernel/identity";
import { NOW, digits, sixCharacterPieces, withCheck } from "./arbitraries";

function outcome(type: DocumentType, raw: string): string {
  const result = checkDocument(type, raw, NOW);
  return result.ok ? result.doc.number : result.reason;
}

describe("other documents", () => {
  test("PASSPORT: Chinese ordinary passports and foreign passports (5–17 letters and digits)", () => {
    expect(outcome("PASSPORT", "E12345678")).toBe("E12345678");
    expect(outcome("PASSPORT", "ea 1234567")).toBe("EA1234567");
    expect(outcome("PASSPORT", "X1234")).toBe("X1234");
    expect(outcome("PASSPORT", "123456789ABCDEFGH")).toBe("123456789ABCDEFGH");
    expect(outcome("PASSPORT", "1234")).toBe("DOC_FORMAT");
    expect(outcome("PASSPORT", "123456789ABCDEFGHI")).toBe("DOC_FORMAT");
    expect(outcome("PASSPORT", "AB-12345")).toBe("DOC_FORMAT");
    expect(outcome("PASSPORT", "  ")).toBe("ID_EMPTY");
  });

  test("HK_MACAO_PERMIT: C + 8 for mainland residents, H/M + 8 or 10 digits for Home Return Permits", () => {
    expect(outcome("HK_MACAO_PERMIT", "c12345678")).toBe("C12345678");
    expect(outcome("HK_MACAO_PERMIT", "CA1234567")).toBe("CA1234567");
    expect(outcome("HK_MACAO_PERMIT", "H12345678")).toBe("H12345678");
    expect(outcome("HK_MACAO_PERMIT", "M1234567890")).toBe("M1234567890");
    expect(outcome("HK_MACAO_PERMIT", "H123456789")).toBe("DOC_FORMAT");
    expect(outcome("HK_MACAO_PERMIT", "H1234567A")).toBe("DOC_FORMAT");
    expect(outcome("HK_MACAO_PERMIT", "C1234567")).toBe("DOC_FORMAT");
    expect(outcome("HK_MACAO_PERMIT", "K12345678")).toBe("DOC_FORMAT");
  });

  test("TAIWAN_PERMIT: 8 digits, or 10 characters with letters on older permits", () => {
    expect(outcome("TAIWAN_PERMIT", "1234 5678")).toBe("12345678");
    expect(outcome("TAIWAN_PERMIT", "123456789b")).toBe("123456789B");
    expect(outcome("TAIWAN_PERMIT", "1234567890")).toBe("DOC_FORMAT");
    expect(outcome("TAIWAN_PERMIT", "1234567")).toBe("DOC_FORMAT");
  });

  test("FOREIGN_PERMANENT_RESIDENCE: 2017 card with a MOD 11-2 check character, or the older 3 letters + 12 digits", () => {
    const card2017 = withCheck("93108401990030745");
    expect(outcome("FOREIGN_PERMANENT_RESIDENCE", card2017.toLowerCase())).toBe(card2017);
    const wrong = card2017.endsWith("0") ? "1" : "0";
    expect(outcome("FOREIGN_PERMANENT_RESIDENCE", card2017.slice(0, 17) + wrong)).toBe("ID_CHECK_CHARACTER");
    expect(outcome("FOREIGN_PERMANENT_RESIDENCE", withCheck("83108401990030745"))).toBe("DOC_FORMAT");
    expect(outcome("FOREIGN_PERMANENT_RESIDENCE", "usa110090123456")).toBe("USA110090123456");
    expect(outcome("FOREIGN_PERMANENT_RESIDENCE", "US1100901234567")).toBe("DOC_FORMAT");
  });

  test("DOC_TYPE for an unknown type, and untyped input never throws", () => {
    expect(outcome("DRIVING_LICENCE" as DocumentType, "E12345678")).toBe("DOC_TYPE");
    expect(outcome("PASSPORT", undefined as unknown as string)).toBe("ID_EMPTY");
    expect(outcome("CITIZEN_ID", 42 as unknown as string)).toBe("ID_EMPTY");
  });

  test("requireDocument throws the reason for other documents too", () => {
    expect(() => requireDocument("HK_MACAO_PERMIT", "K12345678", NOW)).toThrow(
      expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", reason: "DOC_FORMAT" } }),
    );
  });

  test("refusal messages never echo six characters of the input", () => {
    const types: DocumentType[] = ["PASSPORT", "HK_MACAO_PERMIT", "TAIWAN_PERMIT", "FOREIGN_PERMANENT_RESIDENCE"];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.string({ unit: fc.constantFrom(..."0123456789ABCEHMX"), maxLength: 20 }), (type, raw) => {
        const result = checkDocument(type, raw, NOW);
        if (!result.ok) expect(sixCharacterPieces(raw).filter((p) => result.message.includes(p))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe("checkMobilePhone", () => {
  test("accepts mainland mobiles with a country code, spaces, dashes or full-width digits", () => {
    for (const raw of ["13812345678", "+86 138 1234 5678", "86-138-1234-5678", "0086 13812345678", "１３８１２３４５６７８"]) {
      expect(checkMobilePhone(raw)).toEqual({ ok: true, phone: "13812345678" });
    }
  });

  test("refuses anything else with PHONE_FORMAT", () => {
    for (const raw of ["", "12812345678", "1381234567", "138123456789", "23812345678", "+1 138 1234 5678", "010-12345678", "1381234567a"]) {
      const result = checkMobilePhone(raw);
      expect(result.ok ? "OK" : result.reason).toBe("PHONE_FORMAT");
      if (!result.ok) expect(result.message).not.toMatch(/\d{4}/);
    }
  });

  test("any mobile number, however it is typed, normalises to its 11 digits", () => {
    const prefix = fc.constantFrom("", "+86", "86", "0086", "+86 ");
    const separator = fc.constantFrom("", " ", "-");
    fc.assert(
      fc.property(fc.constantFrom(..."3456789"), digits(9), prefix, separator, (second, rest, p, sep) => {
        const phone = `1${second}${rest}`;
        const typed = `${p}${phone.slice(0, 3)}${sep}${phone.slice(3, 7)}${sep}${phone.slice(7)}`;
        expect(checkMobilePhone(typed)).toEqual({ ok: true, phone });
      }),
    );
  });
});
