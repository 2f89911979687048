// Per-request DataLoaders of the testing silo.
import DataLoader from "dataloader";
import type { Agency, CustodyStep, PrismaClient, SampleTube, SamplingSite, Swab, TestResult, TransportBox } from "./generated/prisma/client";
import { byKey, groupByKey } from "../../kernel/runtime/batch";
import { loadPersonTests, type PersonTests } from "./personTests";
import { prismaSql, type Sql } from "../../kernel/db/sql";

/** The most of a person's recent swabs one list returns; `last` is clamped to 1..PERSON_TESTS_CAP. */
export const PERSON_TESTS_CAP = 50;

/** Clamps a list's `last` argument to 1..PERSON_TESTS_CAP. */
export function clampTests(last: number): number {
  return Math.min(PERSON_TESTS_CAP, Math.max(1, Math.trunc(last)));
}

export interface Loaders {
  agency: DataLoader<string, Agency | null>;
  site: DataLoader<string, SamplingSite | null>;
  box: DataLoader<string, TransportBox | null>;
  tube: DataLoader<string, SampleTube | null>;
  swab: DataLoader<string, Swab | null>;
  result: DataLoader<string, TestResult | null>;
  sitesByAgency: DataLoader<string, SamplingSite[]>;
  tubesByBox: DataLoader<string, SampleTube[]>;
  swabsByTube: DataLoader<string, Swab[]>;
  resultByTube: DataLoader<string, TestResult | null>;
  /** Every custody step of a box and its tubes, oldest first. */
  custodyByBox: DataLoader<string, CustodyStep[]>;
  /** A person's latest `last` swabs (clamped) and latest negative result time; one loader per `last`. */
  personTests(last: number): DataLoader<string, PersonTests>;
}

/** Creates this request's loaders. */
export function createLoaders(prisma: PrismaClient, sql: Sql = prismaSql(prisma)): Loaders {
  const ids = (keys: readonly string[]) => ({ in: [...keys] });
  const byLast = new Map<number, DataLoader<string, PersonTests>>();
  const personTests = (last: number) => {
    const n = clampTests(last);
    let loader = byLast.get(n);
    if (!loader) byLast.set(n, (loader = new DataLoader((keys) => loadPersonTests(sql, keys, n))));
    return loader;
  };
  return {
    agency: new DataLoader(async (k) => byKey(k, await prisma.agency.findMany({ where: { id: ids(k) } }), (r) => r.id)),
    site: new DataLoader(async (k) => byKey(k, await prisma.samplingSite.findMany({ where: { id: ids(k) } }), (r) => r.id)),
    box: new DataLoader(async (k) => byKey(k, await prisma.transportBox.findMany({ where: { id: ids(k) } }), (r) => r.id)),
    tube: new DataLoader(async (k) => byKey(k, await prisma.sampleTube.findMany({ where: { id: ids(k) } }), (r) => r.id)),
    swab: new DataLoader(async (k) => byKey(k, await prisma.swab.findMany({ where: { id: ids(k) } }), (r) => r.id)),
    result: new DataLoader(async (k) => byKey(k, await prisma.testResult.findMany({ where: { id: ids(k) } }), (r) => r.id)),
    sitesByAgency: new DataLoader(async (k) => groupByKey(k, await prisma.samplingSite.findMany({ where: { agencyId: ids(k) }, orderBy: { id: "asc" } }), (r) => r.agencyId)),
    tubesByBox: new DataLoader(async (k) => groupByKey(k, await prisma.sampleTube.findMany({ where: { boxId: ids(k) }, orderBy: { code: "asc" } }), (r) => r.boxId)),
    swabsByTube: new DataLoader(async (k) => groupByKey(k, await prisma.swab.findMany({ where: { tubeId: ids(k) }, orderBy: { swabbedAt: "asc" } }), (r) => r.tubeId)),
    resultByTube: new DataLoader(async (k) => byKey(k, await prisma.testResult.findMany({ where: { tubeId: ids(k) } }), (r) => r.tubeId)),
    custodyByBox: new DataLoader(async (k) => groupByKey(k, await prisma.custodyStep.findMany({ where: { boxId: ids(k) }, orderBy: [{ at: "asc" }, { id: "asc" }] }), (r) => r.boxId)),
    personTests,
  };
}
