// Person ids and audience pseudonyms: deterministic, keyed, and free of the document number.
import fc from "fast-check";
import { assertPepper, audiencePseudonym, personIdFor } from "../../../kernel/identity";
import { sixCharacterPieces, validId } from "./arbitraries";

const PEPPER = "test-pepper-0123456789-abcdefghijklmnop";
const OTHER_PEPPER = "another-pepper-0123456789-abcdefghijkl";
const KEY = "audience-key-0123456789-abcdefghijklmnop";

describe("assertPepper", () => {
  test("refuses a pepper shorter than 32 bytes without printing it", () => {
    expect(() => assertPepper("short-secret")).toThrow(/at least 32 bytes, got 12/);
    expect(() => assertPepper("short-secret")).not.toThrow(/short-secret/);
    expect(() => assertPepper("")).toThrow(Error);
  });

  test("counts bytes, not characters", () => {
    expect(() => assertPepper("密".repeat(10))).toThrow(/got 30/);
    expect(assertPepper("密".repeat(11)).byteLength).toBe(33);
    expect(Buffer.from(assertPepper("a".repeat(32))).toString("utf8")).toBe("a".repeat(32));
  });
});

describe("personIdFor", () => {
  test("is p_ plus 22 base64url characters", () => {
    expect(personIdFor({ type: "CITIZEN_ID", number: "11010519491231002X" }, PEPPER)).toMatch(/^p_[A-Za-z0-9_-]{22}$/);
  });

  test("is deterministic, accepts the pepper as bytes, and never contains the number", () => {
    fc.assert(
      fc.property(validId(), (number) => {
        const id = personIdFor({ type: "CITIZEN_ID", number }, PEPPER);
        expect(personIdFor({ type: "CITIZEN_ID", number }, PEPPER)).toBe(id);
        expect(personIdFor({ type: "CITIZEN_ID", number }, assertPepper(PEPPER))).toBe(id);
        expect(id).toHaveLength(24);
        expect(sixCharacterPieces(number).filter((piece) => id.includes(piece))).toEqual([]);
      }),
    );
  });

  test("differs for different numbers, document types or peppers", () => {
    fc.assert(
      fc.property(validId(), validId(), (a, b) => {
        fc.pre(a !== b);
        const idA = personIdFor({ type: "CITIZEN_ID", number: a }, PEPPER);
        expect(personIdFor({ type: "CITIZEN_ID", number: b }, PEPPER)).not.toBe(idA);
        expect(personIdFor({ type: "CITIZEN_ID", number: a }, OTHER_PEPPER)).not.toBe(idA);
        expect(personIdFor({ type: "PASSPORT", number: a }, PEPPER)).not.toBe(idA);
      }),
    );
  });

  test("refuses a short pepper or an empty number", () => {
    expect(() => personIdFor({ type: "CITIZEN_ID", number: "11010519491231002X" }, "short")).toThrow(/32 bytes/);
    expect(() => personIdFor({ type: "CITIZEN_ID", number: "" }, PEPPER)).toThrow(Error);
  });
});

describe("audiencePseudonym", () => {
  const person = personIdFor({ type: "CITIZEN_ID", number: "11010519491231002X" }, PEPPER);

  test("is stable per audience and differs across audiences", () => {
    const auditor = audiencePseudonym(person, "auditor", KEY);
    expect(auditor).toMatch(/^anon_[A-Za-z0-9_-]{22}$/);
    expect(audiencePseudonym(person, "auditor", KEY)).toBe(auditor);
    expect(audiencePseudonym(person, "research", KEY)).not.toBe(auditor);
    expect(audiencePseudonym(person, "auditor", `${KEY}!`)).not.toBe(auditor);
    expect(auditor).not.toContain(person.slice(2));
  });

  test("differs for different people and audiences (property)", () => {
    fc.assert(
      fc.property(validId(), validId(), fc.stringMatching(/^[a-z]{1,12}$/), fc.stringMatching(/^[a-z]{1,12}$/), (a, b, x, y) => {
        const pa = personIdFor({ type: "CITIZEN_ID", number: a }, PEPPER);
        const pb = personIdFor({ type: "CITIZEN_ID", number: b }, PEPPER);
        if (a !== b) expect(audiencePseudonym(pa, x, KEY)).not.toBe(audiencePseudonym(pb, x, KEY));
        if (x !== y) expect(audiencePseudonym(pa, x, KEY)).not.toBe(audiencePseudonym(pa, y, KEY));
      }),
    );
  });

  test("refuses an empty or ambiguous audience", () => {
    expect(() => audiencePseudonym(person, "", KEY)).toThrow(Error);
    expect(() => audiencePseudonym(person, "a:b", KEY)).toThrow(/colon/);
    expect(() => audiencePseudonym(person, "auditor", "short")).toThrow(/32 bytes/);
  });
});
