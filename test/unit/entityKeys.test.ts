// Per-audience entity keys: deterministic within an audience, useless in another, bound to the
// entity type, tamper-evident, and rotated by version.
import { randomBytes } from "node:crypto";
import { entityKeyring, entityKeyVersionsFromEnv } from "../../kernel/privacy/entityKeys";

const secret = randomBytes(32);
const ring = entityKeyring(secret);
const person = "p_AAAAAAAAAAAAAAAAAAAAAA";

describe("entity keys", () => {
  it("gives one stable id per audience, which only that audience can turn back", () => {
    const auditor = ring.encode("auditor", "Person", person);
    expect(ring.encode("auditor", "Person", person)).toBe(auditor);
    expect(auditor).not.toContain(person);
    expect(ring.decode("auditor", "Person", auditor)).toBe(person);
    const app = ring.encode("app", "Person", person);
    expect(app).not.toBe(auditor);
    expect(ring.decode("app", "Person", auditor)).toBeNull();
    expect(ring.decode("auditor", "Person", app)).toBeNull();
    expect(ring.decode("auditor", "Person", person)).toBeNull(); // an internal key is not an auditor's id
  });

  it("answers from its cache exactly as it computes, past the cache's size, and never caches a refusal", () => {
    const fresh = () => entityKeyring(secret);
    const ids = Array.from({ length: 40_000 }, (_, i) => `p_${String(i).padStart(22, "0")}`);
    const once = ids.map((id) => ring.encode("registrar", "Person", id));
    // Every answer, first or remembered, old generation or new, is the one a new keyring computes.
    ids.forEach((id, i) => expect(ring.encode("registrar", "Person", id)).toBe(once[i]));
    const other = fresh();
    for (const i of [0, 1, 16_383, 16_384, 32_768, 39_999]) {
      expect(other.encode("registrar", "Person", ids[i]!)).toBe(once[i]);
      expect(ring.decode("registrar", "Person", once[i]!)).toBe(ids[i]);
      // What was remembered for one audience and type is no answer for another.
      expect(ring.decode("auditor", "Person", once[i]!)).toBeNull();
      expect(ring.decode("registrar", "CheckIn", once[i]!)).toBeNull();
      const tampered = once[i]!.slice(0, -2) + (once[i]!.at(-2) === "A" ? "B" : "A") + once[i]!.at(-1);
      expect(ring.decode("registrar", "Person", tampered)).toBeNull();
      expect(ring.decode("registrar", "Person", tampered)).toBeNull();
    }
  });

  it("binds the id to its type and refuses a changed byte", () => {
    const swab = ring.encode("auditor", "Swab", "8c1b2f4e-0000-4000-8000-000000000001");
    expect(ring.decode("auditor", "Person", swab)).toBeNull();
    const tampered = swab.slice(0, -2) + (swab.at(-2) === "A" ? "B" : "A") + swab.at(-1);
    expect(ring.decode("auditor", "Swab", tampered)).toBeNull();
    expect(ring.decode("auditor", "Swab", "e1_short")).toBeNull();
  });

  it("differs under another secret", () => {
    expect(entityKeyring(randomBytes(32)).encode("auditor", "Person", person)).not.toBe(ring.encode("auditor", "Person", person));
  });

  it("rotates: new ids under the new version, old ones accepted only while listed", () => {
    const old = ring.encode("auditor", "Person", person);
    const during = entityKeyring(secret, { current: 2, accepted: [1] });
    const fresh = during.encode("auditor", "Person", person);
    expect(fresh).toMatch(/^e2_/);
    expect(fresh).not.toBe(old);
    expect(during.decode("auditor", "Person", old)).toBe(person);
    const after = entityKeyring(secret, { current: 2 });
    expect(after.decode("auditor", "Person", old)).toBeNull();
    expect(after.decode("auditor", "Person", fresh)).toBe(person);
  });

  it("reads its versions from the environment, refusing nonsense", () => {
    expect(entityKeyVersionsFromEnv({})).toEqual({ current: 1, accepted: [] });
    expect(entityKeyVersionsFromEnv({ ENTITY_KEY_VERSION: "3", ENTITY_KEY_ACCEPT: "2,1" })).toEqual({ current: 3, accepted: [2, 1] });
    expect(() => entityKeyVersionsFromEnv({ ENTITY_KEY_VERSION: "x" })).toThrow(/ENTITY_KEY_VERSION/);
  });
});
