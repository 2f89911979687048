// Testing codes (核酸码): the kernel's sign/verify (expired, forged, malformed and replayed codes
// refused with distinct reasons), and issuing through the real graph for a resident and a
// guardian's verified ward, verified with the public key the graph publishes.
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey } from "jose";
import { MemoryReplayGuard, PREFIX, signTestingCode, verifyTestingCode } from "../../kernel/testingCode";
import { startTestGraph, type TestGraph } from "../support/graph";
import { quietResidents, refused, residentOf } from "./helpers";

const reasonOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as { extensions?: { code?: string; reason?: string } }).extensions;
  }
  return undefined;
};

describe("testing-code signing and verification (kernel)", () => {
  test("a fresh code verifies; expired, forged, tampered, malformed and replayed codes are refused distinctly", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const other = await generateKeyPair("ES256");
    const now = new Date("2026-03-01T08:00:00Z");
    const code = await signTestingCode("person-1", { privateKey }, { now, ttlSeconds: 180 });
    expect(code.payload.startsWith(PREFIX)).toBe(true);
    expect(code.payload).not.toContain("person-1"); // base64url inside a JWS, not a readable id
    const ok = await verifyTestingCode(code.payload, publicKey, { now: new Date(now.getTime() + 60_000) });
    expect(ok).toMatchObject({ personId: "person-1", codeId: code.codeId, expiresAt: code.expiresAt });

    expect(await reasonOf(verifyTestingCode(code.payload, publicKey, { now: new Date(now.getTime() + 200_000) }))).toEqual({ code: "BAD_USER_INPUT", reason: "TESTING_CODE_EXPIRED" });
    const forged = await signTestingCode("person-1", { privateKey: other.privateKey }, { now });
    expect((await reasonOf(verifyTestingCode(forged.payload, publicKey, { now })))?.reason).toBe("TESTING_CODE_FORGED");
    // An expired forgery is FORGED: the signature is checked before the expiry.
    expect((await reasonOf(verifyTestingCode(forged.payload, publicKey, { now: new Date(now.getTime() + 10 * 60_000) })))?.reason).toBe("TESTING_CODE_FORGED");
    const [h, , s] = code.payload.slice(PREFIX.length).split(".");
    const tamperedClaims = Buffer.from(JSON.stringify({ sub: "person-2", jti: "x", iat: 1, exp: 9999999999, iss: "health-code", aud: "testing-code" })).toString("base64url");
    expect((await reasonOf(verifyTestingCode(`${PREFIX}${h}.${tamperedClaims}.${s}`, publicKey, { now })))?.reason).toBe("TESTING_CODE_FORGED");
    const hs = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("p").setJti("j").setIssuedAt().setExpirationTime("1h").setIssuer("health-code").setAudience("testing-code").sign(new Uint8Array(32));
    expect((await reasonOf(verifyTestingCode(PREFIX + hs, publicKey)))?.reason).toBe("TESTING_CODE_FORGED");
    expect((await reasonOf(verifyTestingCode("110101199003071234", publicKey)))?.reason).toBe("TESTING_CODE_MALFORMED");
    expect((await reasonOf(verifyTestingCode(`${PREFIX}not-a-jws`, publicKey)))?.reason).toBe("TESTING_CODE_MALFORMED");

    const replay = new MemoryReplayGuard();
    const at = { now, replay };
    await verifyTestingCode(code.payload, publicKey, at);
    expect((await reasonOf(verifyTestingCode(code.payload, publicKey, at)))?.reason).toBe("TESTING_CODE_REPLAYED");
    // A policy of two uses admits the second scan and refuses the third.
    const twice = { now, replay: new MemoryReplayGuard(), maxUses: 2 };
    await verifyTestingCode(code.payload, publicKey, twice);
    await verifyTestingCode(code.payload, publicKey, twice);
    expect((await reasonOf(verifyTestingCode(code.payload, publicKey, twice)))?.reason).toBe("TESTING_CODE_REPLAYED");
  });

  test("a code signed with the right key but not shaped as a testing code is refused, as is one outside its life", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const now = new Date("2026-03-01T08:00:00Z");
    const t = Math.floor(now.getTime() / 1000);
    const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: "ES256" }).sign(privateKey).then((jws) => PREFIX + jws);
    const good = { sub: "p", jti: "j", iat: t, exp: t + 180, iss: "health-code", aud: "testing-code" };
    expect(await verifyTestingCode(await sign(good), publicKey, { now })).toMatchObject({ personId: "p", codeId: "j" });
    expect(await verifyTestingCode(await sign({ ...good, aud: ["other", "testing-code"] }), publicKey, { now })).toMatchObject({ codeId: "j" });
    for (const claims of [{ ...good, iss: "testing" }, { ...good, aud: "venues" }, { ...good, jti: undefined }, { ...good, sub: 7 }, { ...good, exp: "later" }, { ...good, nbf: t + 60 }]) {
      expect((await reasonOf(verifyTestingCode(await sign(claims), publicKey, { now })))?.reason).toBe("TESTING_CODE_FORGED");
    }

    // Five seconds of clock skew are tolerated, not more.
    expect(await verifyTestingCode(await sign({ ...good, exp: t - 4 }), publicKey, { now })).toMatchObject({ codeId: "j" });
    expect((await reasonOf(verifyTestingCode(await sign({ ...good, exp: t - 5 }), publicKey, { now })))?.reason).toBe("TESTING_CODE_EXPIRED");
    // Signed by hand: a header asking for an extension, and claims that are not a JSON object.
    const { sign: rawSign, KeyObject } = await import("node:crypto");
    const raw = (header: object, body: string) => {
      const h = Buffer.from(JSON.stringify(header)).toString("base64url");
      const b = Buffer.from(body).toString("base64url");
      return `${PREFIX}${h}.${b}.${rawSign("sha256", Buffer.from(`${h}.${b}`), { key: KeyObject.from(privateKey as never), dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
    };
    expect(await verifyTestingCode(raw({ alg: "ES256" }, JSON.stringify(good)), publicKey, { now })).toMatchObject({ codeId: "j" });
    expect((await reasonOf(verifyTestingCode(raw({ alg: "ES256", crit: ["x"], x: 1 }, JSON.stringify(good)), publicKey, { now })))?.reason).toBe("TESTING_CODE_FORGED");
    expect((await reasonOf(verifyTestingCode(raw({ alg: "ES256" }, "not json"), publicKey, { now })))?.reason).toBe("TESTING_CODE_MALFORMED");
    expect((await reasonOf(verifyTestingCode(raw({ alg: "ES256" }, "[1]"), publicKey, { now })))?.reason).toBe("TESTING_CODE_MALFORMED");
    expect((await reasonOf(verifyTestingCode(raw({ alg: "ES256" }, JSON.stringify(good)) + ".x", publicKey, { now })))?.reason).toBe("TESTING_CODE_MALFORMED");
  });
});

describe("testing codes through the graph (embedded mode)", () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph("embedded");
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const ISSUE = `mutation($ward: ID) { issueTestingCode(wardId: $ward) { personId payload expiresAt svg } }`;
  const publicKey = async () => {
    const res = await graph.query(`{ testingCodeKey }`, {}, { role: "SAMPLER", subject: graph.city.residents[0]!.personId, siteId: graph.city.sites[0]!.id });
    expect(res.body.errors).toBeUndefined();
    const jwk = JSON.parse(res.body.data.testingCodeKey);
    expect(jwk.d).toBeUndefined();
    return importJWK(jwk, "ES256");
  };

  test("a resident gets a signed code and its QR image; a verifier checks it with the public key alone", async () => {
    const p = quietResidents(graph)[0]!;
    const res = await graph.query(ISSUE, {}, residentOf(p));
    expect(res.body.errors).toBeUndefined();
    const code = res.body.data.issueTestingCode;
    expect(code.personId).toBe(p.personId);
    expect(code.svg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);
    expect(JSON.stringify(code)).not.toContain(p.idNumber);
    expect(JSON.stringify(code)).not.toContain(p.phone);
    const key = (await publicKey()) as CryptoKey;
    const verified = await verifyTestingCode(code.payload, key, { replay: new MemoryReplayGuard() });
    expect(verified.personId).toBe(p.personId);
    expect(verified.expiresAt.toISOString()).toBe(code.expiresAt);
    expect((await reasonOf(verifyTestingCode(code.payload, key, { now: new Date(Date.parse(code.expiresAt) + 60_000) })))?.reason).toBe("TESTING_CODE_EXPIRED");
    const stranger = await exportJWK((await generateKeyPair("ES256")).publicKey);
    expect((await reasonOf(verifyTestingCode(code.payload, (await importJWK(stranger, "ES256")) as CryptoKey)))?.reason).toBe("TESTING_CODE_FORGED");
  });

  test("a guardian gets a code for a verified ward only; a resident only for themself", async () => {
    const verified = graph.city.bindings.find((b) => b.faceVerified)!;
    const pending = graph.city.bindings.find((b) => !b.faceVerified && b.guardianId === verified.guardianId) ?? graph.city.bindings.find((b) => !b.faceVerified)!;
    const guardian = { role: "GUARDIAN" as const, subject: verified.guardianId };
    const ok = await graph.query(ISSUE, { ward: verified.wardId }, guardian);
    expect(ok.body.errors).toBeUndefined();
    expect((await verifyTestingCode(ok.body.data.issueTestingCode.payload, (await publicKey()) as CryptoKey)).personId).toBe(verified.wardId);
    refused(await graph.query(ISSUE, { ward: pending.wardId }, { role: "GUARDIAN", subject: pending.guardianId }), "FORBIDDEN");
    const [a, b] = quietResidents(graph);
    refused(await graph.query(ISSUE, { ward: b!.personId }, residentOf(a!)), "FORBIDDEN");
    refused(await graph.query(ISSUE, {}, { role: "LAB", subject: a!.personId, agencyId: graph.city.agencies[0]!.id }), "FORBIDDEN");
  });
});
