// The subgraph server's short path for query strings Apollo has already validated
// (kernel/runtime/knownQueries.ts): a repeated query is answered with the same status, headers
// and body as Apollo gave it, its disclosures are audited the same way, and everything else
// (errors, mutations, other media types, bad variables) is still Apollo's answer.
import { randomBytes } from "node:crypto";
import { GraphQLError } from "graphql";
import { allow } from "../../kernel/auth/rules";
import { signViewerHeader, VIEWER_HEADER } from "../../kernel/auth/viewerHeader";
import type { Viewer } from "../../kernel/auth/viewer";
import type { AuditSink, DisclosureLog } from "../../kernel/privacy/audit";
import type { RunningServer } from "../../kernel/http/serve";
import { buildSubgraphServer, startSubgraph, type SubgraphContext } from "../../kernel/runtime/subgraphServer";
import { watchShortPath } from "../support/knownQueries";

const typeDefs = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { hello: String  seen(id: ID!): String  broken: String  secret: String  flaky: String }
type Mutation { touch: Int }
type Person @key(fields: "id") { id: ID! }
`;

const key = randomBytes(32);
const audited: Array<{ operation: string | null; persons: string[] }> = [];
let auditFails = false;
let touches = 0;
let flakyFails = false;
let flakyRuns = 0;
const audit: AuditSink = {
  async append(_viewer: Viewer, operation: string | null, log: DisclosureLog) {
    if (auditFails) throw new Error("audit table unavailable");
    audited.push({ operation, persons: log.entries().map((e) => e.personId) });
  },
};

let running: RunningServer;
let header: string;
const answered: boolean[] = [];

beforeAll(async () => {
  const server = buildSubgraphServer<SubgraphContext>({
    name: "short-path",
    typeDefs,
    resolvers: {
      Query: {
        hello: () => "hi",
        seen: (_p: unknown, { id }: { id: string }, ctx: SubgraphContext) => (ctx.disclosed?.add(id, "Query.seen"), id),
        broken: () => {
          throw new Error("a driver message nobody should read");
        },
        secret: () => {
          throw new GraphQLError("Not yours.", { extensions: { code: "FORBIDDEN" } });
        },
        flaky: () => {
          flakyRuns += 1;
          if (flakyFails) throw new GraphQLError("Down for a moment.", { extensions: { code: "SERVICE_UNAVAILABLE" } });
          return "up";
        },
      },
      Mutation: { touch: () => ++touches },
      Person: { __resolveReference: (ref: { id: string }) => ref },
    } as never,
    permissions: { Query: { "*": allow }, Mutation: { "*": allow }, Person: allow },
    audit,
  });
  running = await startSubgraph(server, { port: 0, viewerKey: key, context: (viewer) => ({ viewer, disclosure: {} as never }), ready: async () => true });
  header = await signViewerHeader({ role: "EPIDEMIOLOGIST", subject: "p-1" }, key, 600);
  watchShortPath(answered);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await running.stop();
});

async function call(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(running.url, { method: "POST", headers: { "content-type": "application/json", [VIEWER_HEADER]: header, ...headers }, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

/** Calls twice; returns both answers and whether the short path answered each. */
async function twice(body: unknown, headers?: Record<string, string>) {
  answered.length = 0;
  const first = await call(body, headers);
  const second = await call(body, headers);
  return { first, second, short: [...answered] };
}

describe("known queries", () => {
  it("answers a repeated query as Apollo did, without Apollo", async () => {
    const { first, second, short } = await twice({ query: "query Hi { hello }" });
    expect(second).toEqual(first);
    expect(first).toEqual({ status: 200, type: "application/json; charset=utf-8", body: '{"data":{"hello":"hi"}}\n' });
    expect(short).toEqual([false, true]);
  });

  it("answers entity calls with variables the same way", async () => {
    const body = { query: "query($r:[_Any!]!){ _entities(representations:$r){ ... on Person { id } } }", variables: { r: [{ __typename: "Person", id: "p-9" }] } };
    const { first, second, short } = await twice(body);
    expect(second).toEqual(first);
    expect(JSON.parse(first.body)).toEqual({ data: { _entities: [{ id: "p-9" }] } });
    expect(short).toEqual([false, true]);
  });

  it("audits disclosures on both paths under the operation's name, and withholds the answer when the audit fails", async () => {
    audited.length = 0;
    const body = { query: "query Look__health_code__0 { seen(id: \"p-2\") }" };
    const { first, second } = await twice(body);
    expect(second).toEqual(first);
    expect(audited).toEqual([{ operation: "Look", persons: ["p-2"] }, { operation: "Look", persons: ["p-2"] }]);
    auditFails = true;
    try {
      const failed = await call(body);
      expect(failed.status).toBe(200);
      expect(JSON.parse(failed.body)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: "AUDIT_UNAVAILABLE" } }] });
      expect(answered.at(-1)).toBe(true);
    } finally {
      auditFails = false;
    }
  });

  it("leaves every error to Apollo: internal errors rewritten, refusals kept", async () => {
    for (const query of ["{ broken }", "{ secret }"]) {
      const { first, second, short } = await twice({ query });
      expect(second).toEqual(first);
      expect(short).toEqual([false, false]);
    }
    expect(JSON.parse((await call({ query: "{ broken }" })).body).errors[0].extensions.code).toBe("INTERNAL_SERVER_ERROR");
    expect(JSON.parse((await call({ query: "{ secret }" })).body).errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("sends a query string that failed here straight to Apollo until Apollo answers it without errors", async () => {
    const body = { query: "query Flaky { flaky }" };
    expect((await twice(body)).short).toEqual([false, true]);
    flakyFails = true;
    flakyRuns = 0;
    answered.length = 0;
    const failed = await call(body);
    expect(JSON.parse(failed.body).errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
    expect(flakyRuns).toBe(2); // here, then again through Apollo
    await call(body);
    expect(flakyRuns).toBe(3); // Apollo only
    flakyFails = false;
    await call(body); // Apollo, without errors
    await call(body); // here again
    expect(flakyRuns).toBe(5);
    expect(answered).toEqual([false, false, false, true]);
  });

  it("leaves mutations, bad variables and other media types to Apollo", async () => {
    touches = 0;
    const mutation = await twice({ query: "mutation { touch }" });
    expect(mutation.short).toEqual([false, false]);
    expect(touches).toBe(2);
    const bad = await twice({ query: "query($r:[_Any!]!){ _entities(representations:$r){ ... on Person { id } } }", variables: {} });
    expect(bad.second).toEqual(bad.first);
    expect(bad.first.status).toBe(400);
    const typed = await twice({ query: "{ hello }" }, { accept: "application/graphql-response+json" });
    expect(typed.second).toEqual(typed.first);
    expect(typed.first.type).toBe("application/graphql-response+json; charset=utf-8");
    expect(typed.short).toEqual([false, false]);
  });

  it("refuses a request without a valid Viewer header on both tries", async () => {
    const { first, second } = await twice({ query: "query Hi { hello }" }, { [VIEWER_HEADER]: "not-a-token" });
    expect(second).toEqual(first);
    expect(first.status).not.toBe(200);
  });
});
