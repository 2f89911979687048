// Rate limits at the real gateway: per subject and per address with 429 and Retry-After, and a
// much smaller budget for failed sign-ins. Each case runs on its own gateway (over one graph's
// subgraphs) with small budgets; with TEST_REDIS_URL the counters live in Redis.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import Redis from "ioredis";
import { startGateway } from "../../gateway/server";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "../../gateway/rateLimit/config";
import { SILOS, graphName } from "../../kernel/config/silos";
import type { RunningServer } from "../../kernel/http/serve";
import { postGraphQL, startTestGraph, type TestGraph } from "../support/graph";
import { TEST_REDIS_URL } from "../support/services";

let graph: TestGraph;
const gateways: RunningServer[] = [];

beforeAll(async () => {
  graph = await startTestGraph("embedded", 20);
}, 300_000);
afterAll(async () => {
  for (const g of gateways) await g.stop();
  await graph?.stop();
});

async function gatewayWith(rateLimits: Partial<RateLimits>, redisUrl?: string, rateLimitPrefix?: string): Promise<RunningServer> {
  const running = await startGateway({
    port: 0,
    subgraphUrls: Object.fromEntries(SILOS.map((s) => [graphName(s), graph.subgraphs[s].url])),
    supergraphPath: join(__dirname, "..", "..", "schema", "supergraph.graphql"),
    secrets: graph.secrets,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...rateLimits },
    redisUrl,
    rateLimitPrefix,
  });
  gateways.push(running);
  return running;
}

const ME = "query Me { me { id } }";
const bearer = async (i: number) => ({ authorization: `Bearer ${await graph.token({ role: "RESIDENT", subject: graph.city.residents[i]!.personId })}` });

function expectLimited(res: { status: number; body: any }, headers?: Headers) {
  expect(res.status).toBe(429);
  expect(res.body.errors[0].extensions.code).toBe("RATE_LIMITED");
  expect(res.body.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
  if (headers) expect(Number(headers.get("retry-after"))).toBeGreaterThan(0);
}

async function post(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query: ME }) });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

test("a subject over its budget gets 429 with Retry-After; another subject is not affected", async () => {
  const gw = await gatewayWith({ perSubject: { points: 5, seconds: 60 } });
  const alice = await bearer(0);
  for (let i = 0; i < 5; i++) expect((await postGraphQL(gw.url, ME, undefined, alice)).status).toBe(200);
  const sixth = await post(gw.url, alice);
  expectLimited(sixth, sixth.headers);
  expect(sixth.body.data).toBeUndefined();
  expect((await postGraphQL(gw.url, ME, undefined, await bearer(1))).status).toBe(200);
});

test("an address over its budget gets 429 before its request is read", async () => {
  const gw = await gatewayWith({ perAddress: { points: 8, seconds: 60 } });
  const auth = await bearer(2);
  for (let i = 0; i < 8; i++) expect((await postGraphQL(gw.url, ME, undefined, auth)).status).toBe(200);
  const over = await post(gw.url, auth);
  expectLimited(over, over.headers);
  // /health is never rate limited.
  expect((await fetch(new URL("/health", gw.url))).status).toBe(200);
});

test("failed sign-ins have their own, smaller budget: after it, even a valid token waits", async () => {
  const gw = await gatewayWith({ failedAuthPerAddress: { points: 3, seconds: 60 } });
  for (let i = 0; i < 3; i++) expect((await post(gw.url, { authorization: "Bearer guessed-token" })).status).toBe(401);
  const next = await post(gw.url, await bearer(3));
  expectLimited(next, next.headers);
});

(TEST_REDIS_URL ? test : test.skip)("services mode: the counters live in Redis, shared by two gateway replicas", async () => {
  const prefix = `test:${randomBytes(6).toString("hex")}:rl:`;
  const limits = { perSubject: { points: 4, seconds: 60 } };
  const [a, b] = [await gatewayWith(limits, TEST_REDIS_URL, prefix), await gatewayWith(limits, TEST_REDIS_URL, prefix)];
  const auth = await bearer(4);
  for (const gw of [a, b, a, b]) expect((await postGraphQL(gw.url, ME, undefined, auth)).status).toBe(200);
  expectLimited(await post(b.url, auth));
  const redis = new Redis(TEST_REDIS_URL!);
  try {
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});
