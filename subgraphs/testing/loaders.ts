// Per-request DataLoaders of the testing silo.
import DataLoader from "dataloader";
import type { Agency, PrismaClient, SampleTube, SamplingSite, Swab, TestResult, TransportBox } from "./generated/prisma/client";
import { byKey, groupByKey } from "../../kernel/runtime/batch";

/** A person's swab with what a person's test view needs. */
export type SwabWithTube = Swab & { tube: SampleTube & { result: TestResult | null; box: TransportBox } };

/** How many of a person's most recent swabs one batch loads (the schema caps `last` at this). */
export const PERSON_TESTS_CAP = 50;

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
  swabsByPerson: DataLoader<string, SwabWithTube[]>;
}

/** Creates this request's loaders. */
export function createLoaders(prisma: PrismaClient): Loaders {
  const ids = (keys: readonly string[]) => ({ in: [...keys] });
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
    swabsByPerson: new DataLoader(async (k) => {
      const rows = await prisma.swab.findMany({
        where: { personId: ids(k) },
        include: { tube: { include: { result: true, box: true } } },
        orderBy: { swabbedAt: "desc" },
      });
      return groupByKey(k, rows, (r) => r.personId).map((list) => list.slice(0, PERSON_TESTS_CAP));
    }),
  };
}
