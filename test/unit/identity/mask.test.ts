// Masking and generalisation: examples from the design, and properties that nothing beyond
// the surname (or the first and last characters of a number) ever shows through.
import fc from "fast-check";
import { ageBand, birthYear, generaliseAddress, maskAddress, maskIdNumber, maskName, maskPhone } from "../../../kernel/identity";
import { NOW, digits } from "./arbitraries";

const codePoints = (s: string) => Array.from(s).length;
const han = fc.oneof(
  fc.integer({ min: 0x4e00, max: 0x9fa5 }),
  fc.integer({ min: 0x20000, max: 0x2a6df }), // Extension B: two UTF-16 units each
).map((cp) => String.fromCodePoint(cp));
const compound = fc.constantFrom("欧阳", "司马", "诸葛", "上官", "慕容", "第五", "歐陽");
const hanName = fc.oneof(
  fc.array(han, { minLength: 1, maxLength: 5 }).map((cs) => cs.join("")),
  fc.tuple(compound, fc.array(han, { minLength: 0, maxLength: 3 })).map(([s, cs]) => s + cs.join("")),
);

describe("maskName", () => {
  test.each([
    ["王小明", "王**"],
    ["王明", "王*"],
    ["欧阳娜娜", "欧阳**"],
    ["司马光", "司马*"],
    ["欧阳", "欧*"],
    ["买买提·艾力", "买**·**"],
    ["阿依古丽·买买提", "阿***·***"],
    ["John Smith", "J*** S****"],
    ["Jean-Luc Picard", "J***-L** P*****"],
    ["王", "*"],
    ["J", "*"],
    ["", ""],
    ["𠮷野家", "𠮷**"],
  ])("%s → %s", (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  test("Chinese names keep their code-point length and show only the surname", () => {
    fc.assert(
      fc.property(hanName, (name) => {
        const chars = Array.from(name);
        const masked = Array.from(maskName(name));
        expect(masked).toHaveLength(chars.length);
        const shown = masked.findIndex((c) => c === "*");
        const kept = shown === -1 ? masked.length : shown;
        expect(kept).toBeLessThanOrEqual(chars.length > 2 ? 2 : 1);
        expect(masked.slice(0, kept)).toEqual(chars.slice(0, kept));
        expect(masked.slice(kept).every((c) => c === "*")).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test("dotted names show one character and the dots", () => {
    fc.assert(
      fc.property(fc.array(fc.array(han, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 3 }), (parts) => {
        const name = parts.map((p) => p.join("")).join("·");
        const masked = Array.from(maskName(name));
        expect(masked).toHaveLength(codePoints(name));
        expect(masked[0]).toBe(Array.from(name)[0]);
        expect(masked.slice(1).every((c) => c === "*" || c === "·")).toBe(true);
      }),
    );
  });

  test("any string: same length, and each position is either * or the original character", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 12 }), (name) => {
        const chars = Array.from(name);
        const masked = Array.from(maskName(name));
        expect(masked).toHaveLength(chars.length);
        masked.forEach((c, i) => expect(c === "*" || c === chars[i]).toBe(true));
      }),
      { numRuns: 300 },
    );
  });
});

describe("maskIdNumber and maskPhone", () => {
  test("examples", () => {
    expect(maskIdNumber("110101199003074514")).toBe("11**************14");
    expect(maskIdNumber("E12345678")).toBe("E1*****78");
    expect(maskIdNumber("1234")).toBe("****");
    expect(maskIdNumber("")).toBe("");
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("010-12345678")).toBe("**********78");
    expect(maskPhone("12")).toBe("**");
  });

  test("maskIdNumber keeps the length and shows only the first 2 and last 2 characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789X"), minLength: 5, maxLength: 20 }), (id) => {
        const masked = maskIdNumber(id);
        expect(masked).toHaveLength(id.length);
        const shown = Array.from(masked).flatMap((c, i) => (c === "*" ? [] : [i]));
        expect(shown).toEqual([0, 1, id.length - 2, id.length - 1]);
        shown.forEach((i) => expect(masked[i]).toBe(id[i]));
      }),
    );
  });

  test("maskPhone shows 7 of 11 digits: the first 3 and the last 4", () => {
    fc.assert(
      fc.property(digits(11), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
        expect(Array.from(masked).filter((c) => c !== "*")).toHaveLength(7);
      }),
    );
  });
});

describe("addresses and ages", () => {
  const home = { district: "朝阳区", community: "望京街道某社区", detail: "某小区 3 号楼 2 单元 501" };

  test("maskAddress keeps district and community; generaliseAddress keeps the district", () => {
    expect(maskAddress(home)).toBe("朝阳区 望京街道某社区");
    expect(maskAddress({ community: "望京街道某社区", detail: "501" })).toBe("望京街道某社区");
    expect(maskAddress({})).toBe("");
    expect(generaliseAddress(home)).toBe("朝阳区");
    expect(generaliseAddress({ detail: "501" })).toBe("");
  });

  test("ageBand gives 10-year bands up to 80+, counted on China's calendar", () => {
    expect(ageBand("1990-03-07", NOW)).toBe("30-39");
    expect(ageBand("1992-06-01", NOW)).toBe("30-39");
    expect(ageBand("1992-06-02", NOW)).toBe("20-29");
    expect(ageBand("2022-06-01", NOW)).toBe("0-9");
    expect(ageBand("1942-06-01", NOW)).toBe("80+");
    expect(ageBand("1942-06-02", NOW)).toBe("70-79");
    expect(ageBand("1992-06-01", new Date("2022-05-31T16:00:00Z"))).toBe("30-39");
    expect(birthYear("1949-12-31")).toBe(1949);
  });

  test("ageBand and birthYear refuse malformed or future dates", () => {
    expect(() => ageBand("1990-02-30", NOW)).toThrow(RangeError);
    expect(() => ageBand("19900307", NOW)).toThrow(RangeError);
    expect(() => ageBand("2022-06-02", NOW)).toThrow(RangeError);
    expect(() => birthYear("nonsense")).toThrow(RangeError);
  });
});
