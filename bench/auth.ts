// `npm run bench:auth`: what authorization costs per request in the silo that owns personal data.
// The same health-code query over the same seeded PGlite database, executed in-process against
// (1) the bare subgraph schema (resolvers only: a baseline that exists only in this benchmark)
// and (2) the schema the silo serves (graphql-shield map, @pii disclosure with scope checks,
// disclosure markers), plus the Viewer-header verification and, for full views, the audit write.
// Runs alternate in rounds, so both see the same machine load. Prints per-request means and the
// ratio. A benchmark, not a test: it asserts nothing about speed.
//   npm run bench:auth -- [--rounds 20] [--persons 50] [--json]
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { execute, parse, type GraphQLSchema } from "graphql";
import type { Viewer } from "../kernel/auth/viewer";
import { signViewerHeader, verifyViewerHeader } from "../kernel/auth/viewerHeader";
import { openSiloDatabase } from "../kernel/db/open";
import { prismaSql } from "../kernel/db/sql";
import { buildCity } from "../kernel/demo/city";
import { DisclosureLog, sqlAuditSink } from "../kernel/privacy/audit";
import { disclosureContext } from "../kernel/privacy/keys";
import { DEMO_CASE, openCaseCheck, seedDemoCase } from "../kernel/privacy/cases";
import { DateTimeScalar } from "../kernel/runtime/scalars";
import { buildSchema } from "../kernel/runtime/subgraphServer";
import { PrismaClient } from "../subgraphs/health-code/generated/prisma/client";
import { createLoaders } from "../subgraphs/health-code/loaders";
import { permissions } from "../subgraphs/health-code/permissions";
import { personInScope } from "../subgraphs/health-code/scope";
import { seedHealthCode } from "../subgraphs/health-code/seed";
import { typeDefs } from "../subgraphs/health-code/server";
import { Person } from "../subgraphs/health-code/resolvers/Person";
import { Query } from "../subgraphs/health-code/resolvers/Query";
import { StatusCause } from "../subgraphs/health-code/resolvers/StatusCause";
import { DisclosureAudit } from "../subgraphs/health-code/resolvers/DisclosureAudit";
import type { HealthCodeContext } from "../subgraphs/health-code/context";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = option("rounds", 20);
const PERSONS = option("persons", 50);
const PER_ROUND = 20;

const QUERY = parse(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id name documentNumber phone address healthCode { colour label causes { kind detail } } } } }`);

async function main() {
  const pepper = randomBytes(32);
  const viewerKey = randomBytes(32);
  const city = buildCity(pepper, 300);
  const db = await openSiloDatabase({ migrationsDir: join(__dirname, "..", "subgraphs", "health-code", "prisma", "migrations") });
  const prisma = new PrismaClient({ adapter: db.adapter });
  await seedHealthCode(prisma, city);
  const resolvers = { DateTime: DateTimeScalar, Query, Person, StatusCause, DisclosureAudit };
  const bare = buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: resolvers as never });
  const audit = sqlAuditSink(prismaSql(prisma));
  const served = buildSchema<HealthCodeContext>({ name: "health-code", typeDefs, resolvers: { Query, Person, StatusCause, DisclosureAudit }, permissions, scope: (_t, p: { id: string }, ctx) => personInScope(p.id, ctx), audit });
  const disclosure = disclosureContext(pepper);
  await seedDemoCase(prismaSql(prisma));
  const openCase = openCaseCheck(prismaSql(prisma));
  const officerCommunity = city.residents[0]!.community;
  const targets = city.residents.filter((r) => r.community === officerCommunity).concat(city.residents).slice(0, PERSONS);
  const representations = targets.map((r) => ({ __typename: "Person", id: r.personId }));
  const viewers: Record<string, Viewer> = {
    "registrar (masked)": { role: "REGISTRAR", subject: city.residents[1]!.personId },
    "officer (scope checks, some full)": { role: "COMMUNITY_OFFICER", subject: city.residents[2]!.personId, community: officerCommunity },
    "epidemiologist (full, audited)": { role: "EPIDEMIOLOGIST", subject: city.residents[3]!.personId, purpose: DEMO_CASE },
  };

  const run = async (schema: GraphQLSchema, viewer: Viewer, protectedPath: boolean) => {
    let viewerValue = viewer;
    if (protectedPath) viewerValue = await verifyViewerHeader(await signViewerHeader(viewer, viewerKey), viewerKey);
    const ctx = { viewer: viewerValue, disclosure, openCase, prisma, loaders: createLoaders(prisma, viewerValue), disclosed: new DisclosureLog() } as HealthCodeContext;
    const result = await execute({ schema, document: QUERY, variableValues: { r: representations }, contextValue: ctx });
    if (protectedPath && ctx.disclosed!.size > 0) await audit.append(viewerValue, "bench", ctx.disclosed!);
    if (!result.data) throw new Error(JSON.stringify(result.errors?.[0]));
  };

  const report: Record<string, { bareMs: number; servedMs: number; overheadMs: number; ratio: number }> = {};
  for (const [label, viewer] of Object.entries(viewers)) {
    for (let i = 0; i < 5; i++) { await run(bare, viewer, false); await run(served, viewer, true); } // warm-up
    let bareTotal = 0;
    let servedTotal = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let t = performance.now();
      for (let i = 0; i < PER_ROUND; i++) await run(bare, viewer, false);
      bareTotal += performance.now() - t;
      t = performance.now();
      for (let i = 0; i < PER_ROUND; i++) await run(served, viewer, true);
      servedTotal += performance.now() - t;
    }
    const n = ROUNDS * PER_ROUND;
    const bareMs = bareTotal / n;
    const servedMs = servedTotal / n;
    report[label] = { bareMs, servedMs, overheadMs: servedMs - bareMs, ratio: servedMs / bareMs };
  }
  await prisma.$disconnect();
  await db.close();
  if (args.includes("--json")) {
    console.log(JSON.stringify({ persons: PERSONS, requests: ROUNDS * PER_ROUND, report }, null, 2));
    return;
  }
  console.log(`health-code _entities for ${PERSONS} persons (name, ID, phone, address, status, causes), ${ROUNDS * PER_ROUND} requests per path, PGlite in-process\n`);
  console.log("viewer                               bare ms/req  served ms/req  auth cost ms  served/bare");
  for (const [label, r] of Object.entries(report)) {
    console.log(`${label.padEnd(36)} ${r.bareMs.toFixed(2).padStart(11)}  ${r.servedMs.toFixed(2).padStart(13)}  ${r.overheadMs.toFixed(2).padStart(12)}  ${r.ratio.toFixed(2).padStart(11)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
