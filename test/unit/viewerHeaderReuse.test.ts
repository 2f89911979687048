// One signed Viewer header per client token for a few seconds (gateway/context.ts) and the
// subgraphs' memory of headers they verified (viewerHeaderVerifier): a reused header still
// outlives every request's deadline; distinct tokens never share a header; a forged header is
// refused every time (never remembered); an expired one is refused even after it verified.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import { decodeJwt } from "jose";
import { contextFactory, HEADER_SKEW_SECONDS } from "../../gateway/context";
import { signHs256 } from "../../kernel/auth/hs256";
import { claimsFromViewer, type Viewer } from "../../kernel/auth/viewer";
import { signViewerHeader, viewerHeaderVerifier } from "../../kernel/auth/viewerHeader";

const key = randomBytes(32);
const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {}, socket: {} }) as unknown as IncomingMessage;
const viewers: Record<string, Viewer> = { "Bearer a": { role: "RESIDENT", subject: "p_a" }, "Bearer b": { role: "RESIDENT", subject: "p_b" } };

describe("the gateway's Viewer header", () => {
  const make = contextFactory(async (auth) => viewers[auth!]!, key, { deadlineMs: 10_000 });

  test("the same client token reuses one header, and it outlives the later request's deadline", async () => {
    const first = await (await make(req("Bearer a"))).viewerHeader();
    const later = await make(req("Bearer a"));
    expect(await later.viewerHeader()).toBe(first);
    expect(decodeJwt(first).exp! * 1000).toBeGreaterThanOrEqual(later.deadline + (HEADER_SKEW_SECONDS - 1) * 1000);
  });

  test("another client token gets its own header naming its own viewer", async () => {
    const a = await (await make(req("Bearer a"))).viewerHeader();
    const b = await (await make(req("Bearer b"))).viewerHeader();
    expect(b).not.toBe(a);
    expect(await viewerHeaderVerifier(key)(b)).toMatchObject({ subject: "p_b" });
  });

  test("a header is signed afresh once too little of its life is left for a request", async () => {
    const now = Date.now();
    const spy = jest.spyOn(Date, "now");
    try {
      spy.mockReturnValue(now);
      const first = await (await make(req("Bearer a"))).viewerHeader();
      const exp = decodeJwt(first).exp!;
      // Just past the reuse window: the old header would expire inside the new request's deadline.
      spy.mockReturnValue(exp * 1000 - (10 + HEADER_SKEW_SECONDS) * 1000 + 1000);
      const later = await make(req("Bearer a"));
      const header = await later.viewerHeader();
      expect(header).not.toBe(first);
      expect(decodeJwt(header).exp! * 1000).toBeGreaterThanOrEqual(later.deadline + (HEADER_SKEW_SECONDS - 1) * 1000);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("viewerHeaderVerifier", () => {
  test("a valid header verifies, and verifies again from memory", async () => {
    const verify = viewerHeaderVerifier(key);
    const header = await signViewerHeader({ role: "RESIDENT", subject: "p_1" }, key, 30);
    expect(await verify(header)).toMatchObject({ role: "RESIDENT", subject: "p_1" });
    expect(await verify(header)).toMatchObject({ role: "RESIDENT", subject: "p_1" });
  });

  test("a forged header is refused each time it is sent", async () => {
    const verify = viewerHeaderVerifier(key);
    const forged = await signViewerHeader({ role: "EPIDEMIOLOGIST", subject: "x" }, randomBytes(32), 30);
    for (let i = 0; i < 2; i++) await expect(verify(forged)).rejects.toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
    await expect(verify(undefined)).rejects.toBeInstanceOf(GraphQLError);
  });

  test("a remembered header is refused once it has expired", async () => {
    const verify = viewerHeaderVerifier(key);
    const header = signHs256(claimsFromViewer({ role: "RESIDENT", subject: "p_2" }), key, { issuer: "health-graph-gateway", audience: "health-graph-subgraph" }, 2);
    await expect(verify(header)).resolves.toMatchObject({ subject: "p_2" });
    const spy = jest.spyOn(Date, "now").mockReturnValue(Date.now() + 3_000);
    try {
      await expect(verify(header)).rejects.toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
    } finally {
      spy.mockRestore();
    }
  });
});
