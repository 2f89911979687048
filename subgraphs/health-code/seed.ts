// Seeds the health-code silo's part of the demo city (embedded mode, or SEED_DEMO=1).
// Seeded causes are announced like any other change (StatusChanged in the same transaction), so
// the replicas in venues and appeals learn them by the one path they trust; cause ids are made
// here, so no other silo could derive them from the demo city anyway.
import { randomUUID } from "node:crypto";
import type { DemoCity } from "../../kernel/demo/city";
import { prismaSql } from "../../kernel/db/sql";
import { appendEvents } from "../../kernel/events";
import { statusChanged, type OpenCause } from "./events/statusChanged";
import { recordColourChanges } from "./causes/history";
import { bindingChanged } from "./proxies/bindingChanged";
import type { PrismaClient } from "./generated/prisma/client";

/** Inserts residents and their causes when the silo is empty; returns whether it seeded. */
export async function seedHealthCode(prisma: PrismaClient, city: DemoCity): Promise<boolean> {
  if ((await prisma.resident.count()) > 0) return false;
  await prisma.$transaction(async (tx) => {
    await tx.resident.createMany({
      data: city.residents.map((r) => ({
        personId: r.personId,
        documentType: "CITIZEN_ID" as const,
        documentNumber: r.idNumber,
        name: r.name,
        phone: r.phone,
        birthDate: new Date(`${r.birthDate}T00:00:00Z`),
        sex: r.sex,
        district: r.district,
        community: r.community,
        addressDetail: r.addressDetail,
        // The demo city's residents live where they are registered (no 人户分离 in the seed).
        householdDistrict: r.district,
        householdAddress: r.community,
      })),
    });
    const causes = city.causes.map((c) => ({ id: randomUUID(), personId: c.personId, kind: c.kind, detail: c.detail, raisedAt: c.raisedAt, raisedByRole: "EPIDEMIOLOGIST", evidenceRef: "demo-city" }));
    await tx.statusCause.createMany({ data: causes });
    await tx.proxyBinding.createMany({
      data: city.bindings.map((b) => ({ id: b.id, guardianId: b.guardianId, wardId: b.wardId, relation: b.relation, faceVerifiedAt: b.faceVerified ? new Date() : null })),
    });
    const open = new Map<string, OpenCause[]>();
    for (const c of causes) open.set(c.personId, [...(open.get(c.personId) ?? []), { id: c.id, kind: c.kind }]);
    const place = new Map(city.residents.map((r) => [r.personId, r]));
    await recordColourChanges(prismaSql(tx), open, (personId) => ({ change: "RAISED", causeId: open.get(personId)![0]!.id, causeKind: open.get(personId)![0]!.kind, reason: "demo city seed" }));
    // Seeded bindings are announced too: appeals lets a guardian appeal only for a verified ward.
    await appendEvents(prismaSql(tx), city.bindings.map((b) => bindingChanged({ guardianId: b.guardianId, wardId: b.wardId, faceVerifiedAt: b.faceVerified ? new Date() : null, revokedAt: null })));
    await appendEvents(prismaSql(tx), [...open].map(([personId, list]) => statusChanged(personId, list, place.get(personId)?.community, place.get(personId)?.district)));
  }, { timeout: 60_000 });
  return true;
}
