// Seeds the testing silo's part of the demo city (embedded mode, or SEED_DEMO=1).
import { randomUUID } from "node:crypto";
import type { DemoCity } from "../../kernel/demo/city";
import { maskIdNumber } from "../../kernel/identity";
import type { PrismaClient } from "./generated/prisma/client";

/** Inserts agencies, sites, boxes, tubes, past swabs and results when the silo is empty. */
export async function seedTesting(prisma: PrismaClient, city: DemoCity): Promise<boolean> {
  if ((await prisma.agency.count()) > 0) return false;
  await prisma.$transaction(async (tx) => {
    // The registry's details are the testing silo's own: derived here from the demo city's agencies and sites.
    await tx.agency.createMany({
      data: city.agencies.map((a, i) => ({ ...a, licenceNumber: `PDL-${a.code}`, labs: [`${a.name}实验室`], pooledTesting: city.sites.some((s) => s.agencyId === a.id && s.pooled), dailyCapacity: 2000 + 1000 * (i % 3) })),
    });
    await tx.samplingSite.createMany({ data: city.sites.map((s, i) => ({ ...s, openingHours: i % 4 === 0 ? "00:00-24:00" : "08:00-20:00", open24h: i % 4 === 0, walkIns: i % 5 !== 1 })) });
    const boxes = new Map<string, string>();
    for (const t of city.tubes) boxes.set(t.boxCode, t.siteId);
    // Past tests' tubes live in one archive box per agency's first site.
    const archiveSite = city.sites[0]!.id;
    boxes.set("B-ARCHIVE", archiveSite);
    // Today's boxes are open at their sites; the archive box of past tests was received long ago.
    await tx.transportBox.createMany({ data: [...boxes].map(([code, siteId]) => ({ id: code, code, siteId, status: code === "B-ARCHIVE" ? ("RECEIVED" as const) : ("OPEN" as const) })) });
    const pastTubes = [...new Set(city.swabs.map((s) => s.tubeCode))];
    const resulted = new Set(city.results.map((r) => r.tubeCode));
    await tx.sampleTube.createMany({
      data: [...city.tubes.map((t) => ({ id: t.code, code: t.code, boxId: t.boxCode, capacity: t.capacity })), ...pastTubes.map((code) => ({ id: code, code, boxId: "B-ARCHIVE", capacity: 10, status: resulted.has(code) ? ("RESULTED" as const) : ("RECEIVED" as const) }))],
    });
    await tx.swab.createMany({
      data: city.swabs.map((s) => ({ tubeId: s.tubeCode, personId: s.personId, documentType: "CITIZEN_ID", documentMasked: maskIdNumber(s.idNumber), swabbedAt: s.swabbedAt })),
    });
    await tx.testResult.createMany({ data: city.results.map((r) => ({ tubeId: r.tubeCode, outcome: r.outcome, agencyId: r.agencyId, recordedAt: r.recordedAt })) });
    // The demo's staff member is bound everywhere, so staff tokens work where bindings are enforced (production).
    await tx.staffBinding.createMany({
      data: [
        ...city.sites.map((site) => ({ id: randomUUID(), personId: city.staffId, role: "SAMPLER", siteId: site.id })),
        ...city.agencies.map((agency) => ({ id: randomUUID(), personId: city.staffId, role: "LAB", agencyId: agency.id })),
      ],
    });
  });
  return true;
}
