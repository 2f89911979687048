// The error boundary and the fault helpers, as pure functions: which failures count as "database
// unavailable", what a client sees of an internal error, what a dead subgraph "answers" to an
// entity fetch, and how long the gateway's Viewer header lives.
import { GraphQLError, parse } from "graphql";
import { decodeJwt } from "jose";
import { isDatabaseUnavailable } from "../../kernel/db/unavailable";
import { INTERNAL_MESSAGE, internalErrorRecord, publicError, UNAVAILABLE_MESSAGE } from "../../kernel/runtime/publicErrors";
import { entityFill } from "../../gateway/entityFill";
import { contextFactory, HEADER_SKEW_SECONDS } from "../../gateway/context";
import type { IncomingMessage } from "node:http";

describe("isDatabaseUnavailable", () => {
  test.each([
    ["a SQLSTATE 57P01 (admin shutdown)", Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" })],
    ["ECONNREFUSED wrapped as a cause", new Error("query failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }) })],
    ["Prisma's raw query text", new Error("Raw query failed. Code: `57P03`. Message: `the database system is starting up`")],
    ["node-postgres without a code", new Error("Connection terminated unexpectedly")],
    ["a pool connect timeout", new Error("timeout exceeded when trying to connect")],
  ])("%s is unavailable", (_name, err) => expect(isDatabaseUnavailable(err)).toBe(true));

  test.each([
    ["a unique violation", Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505" })],
    ["a plain bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])("%s is not", (_name, err) => expect(isDatabaseUnavailable(err)).toBe(false));
});

describe("publicError", () => {
  const fmt = (e: GraphQLError) => e.toJSON();
  test("keeps the project's own codes and words", () => {
    const e = new GraphQLError("That tube code does not exist.", { extensions: { code: "NOT_FOUND" } });
    expect(publicError(fmt(e), e)).toMatchObject({ message: "That tube code does not exist.", extensions: { code: "NOT_FOUND" } });
  });
  test("replaces a database failure by SERVICE_UNAVAILABLE in plain words", () => {
    const original = Object.assign(new Error("Raw query failed. Code: `57P03`. at /work/app/subgraphs/x.ts:12:3"), { code: "57P03" });
    const e = new GraphQLError(original.message, { originalError: original, path: ["me"] });
    const out = publicError({ ...fmt(e), extensions: { code: "INTERNAL_SERVER_ERROR" } }, e);
    expect(out).toEqual({ message: UNAVAILABLE_MESSAGE, path: ["me"], locations: undefined, extensions: { code: "SERVICE_UNAVAILABLE" } });
  });
  test("replaces any other internal error by INTERNAL_SERVER_ERROR, and logs it scrubbed with the request id", () => {
    const original = new Error(`Invalid prisma.resident.findUnique() invocation: { documentNumber: "110101199003077777", name: "王小明" }`);
    const e = new GraphQLError(original.message, { originalError: original });
    expect(publicError({ ...fmt(e), extensions: { code: "INTERNAL_SERVER_ERROR" } }, e)).toMatchObject({ message: INTERNAL_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR" } });
    const line = JSON.stringify(internalErrorRecord(e, "req-1", "testing"));
    expect(line).toContain('"requestId":"req-1"');
    expect(line).not.toMatch(/110101|王小明/);
  });
});

describe("entityFill", () => {
  test("answers each representation with null for each field asked of its type", () => {
    const doc = parse(`query($representations:[_Any!]!){_entities(representations:$representations){...on Person{__typename latestNegativeResultAt resultsChecked t:latestTest{status}}}}`);
    expect(entityFill(doc, [{ __typename: "Person", id: "a" }, { __typename: "Person", id: "b" }])).toEqual({
      _entities: [
        { __typename: "Person", latestNegativeResultAt: null, resultsChecked: null, t: null },
        { __typename: "Person", latestNegativeResultAt: null, resultsChecked: null, t: null },
      ],
    });
  });
});

describe("the gateway's Viewer header", () => {
  test("outlives the request deadline, so waiting never turns into UNAUTHENTICATED", async () => {
    const make = contextFactory(async () => ({ role: "RESIDENT", subject: "p_x" }), new Uint8Array(32).fill(7), { deadlineMs: 60_000 });
    const ctx = await make({ headers: {} } as IncomingMessage);
    const { exp } = decodeJwt(await ctx.viewerHeader());
    expect(exp! * 1000).toBeGreaterThanOrEqual(ctx.deadline + (HEADER_SKEW_SECONDS - 1) * 1000);
  });
});
