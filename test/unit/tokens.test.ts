// Client bearer tokens (kernel/auth/tokens.ts) and the gateway-signed Viewer header
// (kernel/auth/viewerHeader.ts): a valid one round-trips the Viewer; anything missing, forged,
// expired, role-less, meant for another audience or unsigned is UNAUTHENTICATED with status 401.
import { createHmac, randomBytes } from "node:crypto";
import { GraphQLError } from "graphql";
import { SignJWT, jwtVerify } from "jose";
import { Hs256Expired, Hs256Invalid, verifyHs256 } from "../../kernel/auth/hs256";
import { VerifiedTokenCache } from "../../kernel/auth/tokenCache";
import { signToken, tokenVerifier, TOKEN_AUDIENCE, TOKEN_ISSUER } from "../../kernel/auth/tokens";
import { signViewerHeader, verifyViewerHeader, VIEWER_HEADER_TTL_SECONDS } from "../../kernel/auth/viewerHeader";
import type { Viewer } from "../../kernel/auth/viewer";

const secret = randomBytes(32);
const otherSecret = randomBytes(32);
const verify = tokenVerifier({ hs256Secret: secret });

const FULL: Viewer = {
  role: "COMMUNITY_OFFICER",
  subject: "p-123",
  community: "望京社区",
  siteId: "site-1",
  agencyId: "agency-1",
  venueIds: ["v-1", "v-2"],
  purpose: "outbreak 2022-05 contact tracing",
};

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The error `promise` rejects with; it must be UNAUTHENTICATED with HTTP status 401. */
async function unauthenticated(promise: Promise<unknown>): Promise<GraphQLError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphQLError);
  const e = err as GraphQLError;
  expect(e.extensions.code).toBe("UNAUTHENTICATED");
  expect(e.extensions.http).toEqual({ status: 401 });
  return e;
}

/** A JWT signed with HS256 by `key`, with any claims and registered fields. */
function jwt(claims: Record<string, unknown>, key: Uint8Array, opts: { iss?: string; aud?: string; exp?: number } = {}): Promise<string> {
  let b = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt();
  if (opts.iss) b = b.setIssuer(opts.iss);
  if (opts.aud) b = b.setAudience(opts.aud);
  if (opts.exp !== undefined) b = b.setExpirationTime(opts.exp);
  return b.sign(key);
}

/** An unsigned token (`alg: none`) with the given claims. */
function unsecured(claims: Record<string, unknown>): string {
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ iat: now(), exp: now() + 600, ...claims })}.`;
}

describe("client bearer tokens", () => {
  test("a valid token round-trips every Viewer claim", async () => {
    const token = await signToken(FULL, secret);
    expect(await verify(`Bearer ${token}`)).toEqual(FULL);
  });

  test("the scheme is case-insensitive and a minimal Viewer keeps only its role", async () => {
    const token = await signToken({ role: "APP" }, secret);
    expect(await verify(`bearer ${token}`)).toEqual({ role: "APP" });
  });

  test("the token carries the subject as `sub`, with issuer, audience and expiry", async () => {
    const token = await signToken(FULL, secret, 120);
    const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
    expect(payload.sub).toBe(FULL.subject);
    expect(payload.subject).toBeUndefined();
    expect(payload.iss).toBe(TOKEN_ISSUER);
    expect(payload.aud).toBe(TOKEN_AUDIENCE);
    expect(payload.exp - now()).toBeGreaterThan(100);
    expect(payload.exp - now()).toBeLessThanOrEqual(120);
  });

  test("no Authorization header is UNAUTHENTICATED", async () => {
    await unauthenticated(verify(undefined));
    await unauthenticated(verify(""));
  });

  test.each([["Basic dXNlcjpwYXNz"], ["Token abc.def.ghi"], ["Bearer"], ["Bearer "]])("a non-Bearer header %p is UNAUTHENTICATED", async (header) => {
    await unauthenticated(verify(header));
  });

  test("a token without the Bearer scheme is UNAUTHENTICATED", async () => {
    await unauthenticated(verify(await signToken(FULL, secret)));
  });

  test("a token signed with another key is UNAUTHENTICATED", async () => {
    await unauthenticated(verify(`Bearer ${await signToken(FULL, otherSecret)}`));
  });

  test("a tampered token (payload changed, signature kept) is UNAUTHENTICATED", async () => {
    const [h, , s] = (await signToken({ role: "RESIDENT", subject: "p-1" }, secret)).split(".");
    const forged = `${h}.${b64({ role: "EPIDEMIOLOGIST", sub: "p-1", iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now() + 600 })}.${s}`;
    await unauthenticated(verify(`Bearer ${forged}`));
  });

  test("an expired token is UNAUTHENTICATED (negative ttl)", async () => {
    await unauthenticated(verify(`Bearer ${await signToken(FULL, secret, -10)}`));
  });

  test("an expired token is UNAUTHENTICATED (past exp signed directly)", async () => {
    const token = await jwt({ role: "RESIDENT", sub: "p-1" }, secret, { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now() - 3600 });
    await unauthenticated(verify(`Bearer ${token}`));
  });

  test.each([["ADMIN"], ["resident"], [""], [42]])("a token whose role is %p is UNAUTHENTICATED", async (role) => {
    const token = await jwt({ role, sub: "p-1" }, secret, { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now() + 600 });
    await unauthenticated(verify(`Bearer ${token}`));
  });

  test("a token with no role is UNAUTHENTICATED", async () => {
    const token = await jwt({ sub: "p-1" }, secret, { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now() + 600 });
    await unauthenticated(verify(`Bearer ${token}`));
  });

  test("a token for another audience, same key and issuer, is UNAUTHENTICATED", async () => {
    const token = await jwt({ role: "RESIDENT" }, secret, { iss: TOKEN_ISSUER, aud: "some-other-service", exp: now() + 600 });
    await unauthenticated(verify(`Bearer ${token}`));
  });

  test("a token from another issuer, same key and audience, is UNAUTHENTICATED", async () => {
    const token = await jwt({ role: "RESIDENT" }, secret, { iss: "someone-else", aud: TOKEN_AUDIENCE, exp: now() + 600 });
    await unauthenticated(verify(`Bearer ${token}`));
  });

  test("a token without issuer or audience is UNAUTHENTICATED", async () => {
    await unauthenticated(verify(`Bearer ${await jwt({ role: "RESIDENT" }, secret, { exp: now() + 600 })}`));
  });

  test("a Viewer header is not a client token, even when both use the same key", async () => {
    await unauthenticated(verify(`Bearer ${await signViewerHeader(FULL, secret)}`));
  });

  test("an unsigned (alg: none) token is refused", async () => {
    await unauthenticated(verify(`Bearer ${unsecured({ role: "EPIDEMIOLOGIST", sub: "p-1", iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE })}`));
  });

  test("garbage is UNAUTHENTICATED", async () => {
    await unauthenticated(verify("Bearer not-a-jwt"));
    await unauthenticated(verify("Bearer a.b.c"));
  });

  test("the error says nothing about the token's contents", async () => {
    const token = await signToken({ ...FULL, role: "RESIDENT" }, otherSecret);
    const err = await unauthenticated(verify(`Bearer ${token}`));
    expect(err.message).not.toContain(FULL.subject!);
    expect(err.message).not.toContain(token);
  });
});

describe("Viewer header", () => {
  const key = randomBytes(32);

  test("a valid header round-trips every Viewer claim", async () => {
    expect(await verifyViewerHeader(await signViewerHeader(FULL, key), key)).toEqual(FULL);
    expect(await verifyViewerHeader(await signViewerHeader({ role: "LAB", agencyId: "a-9" }, key), key)).toEqual({ role: "LAB", agencyId: "a-9" });
  });

  test("a header lives for VIEWER_HEADER_TTL_SECONDS", async () => {
    const header = await signViewerHeader(FULL, key);
    const payload = JSON.parse(Buffer.from(header.split(".")[1]!, "base64url").toString("utf8"));
    expect(payload.exp - payload.iat).toBe(VIEWER_HEADER_TTL_SECONDS);
  });

  test("a missing header is UNAUTHENTICATED", async () => {
    await unauthenticated(verifyViewerHeader(undefined, key));
    await unauthenticated(verifyViewerHeader("", key));
  });

  test("a header signed with another key (forged) is UNAUTHENTICATED", async () => {
    await unauthenticated(verifyViewerHeader(await signViewerHeader(FULL, otherSecret), key));
  });

  test("an expired header (replayed after expiry) is UNAUTHENTICATED", async () => {
    await unauthenticated(verifyViewerHeader(await signViewerHeader(FULL, key, -5), key));
    const past = await jwt({ role: "RESIDENT", sub: "p-1" }, key, { iss: "health-graph-gateway", aud: "health-graph-subgraph", exp: now() - 60 });
    await unauthenticated(verifyViewerHeader(past, key));
  });

  test("a header with an unknown role is UNAUTHENTICATED", async () => {
    const header = await jwt({ role: "ROOT", sub: "p-1" }, key, { iss: "health-graph-gateway", aud: "health-graph-subgraph", exp: now() + 30 });
    await unauthenticated(verifyViewerHeader(header, key));
  });

  test("a header for another audience, same key and issuer, is UNAUTHENTICATED", async () => {
    const header = await jwt({ role: "RESIDENT" }, key, { iss: "health-graph-gateway", aud: "another-audience", exp: now() + 30 });
    await unauthenticated(verifyViewerHeader(header, key));
  });

  test("a header from another issuer, same key and audience, is UNAUTHENTICATED", async () => {
    const header = await jwt({ role: "RESIDENT" }, key, { iss: "not-the-gateway", aud: "health-graph-subgraph", exp: now() + 30 });
    await unauthenticated(verifyViewerHeader(header, key));
  });

  test("a client's bearer token is not a Viewer header, even when both use the same key", async () => {
    await unauthenticated(verifyViewerHeader(await signToken(FULL, key), key));
  });

  test("an unsigned (alg: none) header is refused", async () => {
    await unauthenticated(verifyViewerHeader(unsecured({ role: "EPIDEMIOLOGIST", iss: "health-graph-gateway", aud: "health-graph-subgraph" }), key));
  });

  test("garbage is UNAUTHENTICATED", async () => {
    await unauthenticated(verifyViewerHeader("not-a-jwt", key));
  });
});

describe("HS256 through node:crypto agrees with jose", () => {
  const key = randomBytes(32);
  const registered = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE };

  test("a token signed here verifies with jose, and one signed by jose verifies here", async () => {
    const ours = await signToken(FULL, key, 60);
    const { payload } = await jwtVerify(ours, key, { ...registered, algorithms: ["HS256"], requiredClaims: ["exp"] });
    expect(payload.sub).toBe(FULL.subject);
    const theirs = await jwt({ role: "LAB", agencyId: "a-1" }, key, { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now() + 60 });
    expect(verifyHs256(theirs, key, registered)).toMatchObject({ role: "LAB", agencyId: "a-1" });
  });

  test("an audience list that contains ours is accepted, as jose accepts it", async () => {
    const token = await new SignJWT({ role: "APP" }).setProtectedHeader({ alg: "HS256" }).setIssuer(TOKEN_ISSUER).setAudience(["x", TOKEN_AUDIENCE]).setExpirationTime(now() + 60).sign(key);
    expect(verifyHs256(token, key, registered).role).toBe("APP");
  });

  test.each([
    ["another algorithm (HS512)", { alg: "HS512" }],
    ["a critical header extension", { alg: "HS256", crit: ["exp"], exp: 1 }],
    ["an unencoded payload (b64: false)", { alg: "HS256", b64: false, crit: ["b64"] }],
  ])("%s is refused", async (_what, header) => {
    const body = b64({ role: "APP", iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now() + 60 });
    const head = b64(header);
    const sig = createHmac("sha256", key).update(`${head}.${body}`).digest("base64url");
    expect(() => verifyHs256(`${head}.${body}.${sig}`, key, registered)).toThrow(Hs256Invalid);
  });

  test("a token without exp, with a non-numeric exp, or not yet valid (nbf) is refused", () => {
    const head = b64({ alg: "HS256" });
    const sign = (claims: Record<string, unknown>) => {
      const body = b64({ role: "APP", iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, ...claims });
      return `${head}.${body}.${createHmac("sha256", key).update(`${head}.${body}`).digest("base64url")}`;
    };
    expect(() => verifyHs256(sign({}), key, registered)).toThrow(Hs256Invalid);
    expect(() => verifyHs256(sign({ exp: String(now() + 60) }), key, registered)).toThrow(Hs256Invalid);
    expect(() => verifyHs256(sign({ exp: now() + 60, nbf: now() + 30 }), key, registered)).toThrow(Hs256Invalid);
    expect(() => verifyHs256(sign({ exp: now() }), key, registered)).toThrow(Hs256Expired);
    expect(verifyHs256(sign({ exp: now() + 60 }), key, registered).role).toBe("APP");
  });
});

describe("verified-token cache", () => {
  test("a cached token still stops working when it expires", async () => {
    jest.useFakeTimers({ now: Date.now(), doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    try {
      const v = tokenVerifier({ hs256Secret: secret });
      const token = await signToken(FULL, secret, 5);
      expect(await v(`Bearer ${token}`)).toEqual(FULL);
      expect(await v(`Bearer ${token}`)).toEqual(FULL); // from the cache
      jest.setSystemTime(Date.now() + 6_000);
      const err = await unauthenticated(v(`Bearer ${token}`));
      expect(err.message).toContain("expired");
    } finally {
      jest.useRealTimers();
    }
  });

  test("a refused token is never cached: a forged one fails every time", async () => {
    const v = tokenVerifier({ hs256Secret: secret });
    const forged = await signToken(FULL, otherSecret);
    await unauthenticated(v(`Bearer ${forged}`));
    await unauthenticated(v(`Bearer ${forged}`));
  });

  test("the cache is bounded: the oldest entry goes first", () => {
    const cache = new VerifiedTokenCache(2);
    const exp = now() + 60;
    cache.set("a", { role: "APP" }, exp);
    cache.set("b", { role: "LAB" }, exp);
    cache.set("c", { role: "AUDITOR" }, exp);
    expect(cache.size).toBe(2);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("c")).toEqual({ role: "AUDITOR" });
  });
});
