// Seeds the health-code silo's part of the demo city (embedded mode, or SEED_DEMO=1).
import type { DemoCity } from "../../kernel/demo/city";
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
      })),
    });
    await tx.statusCause.createMany({ data: city.causes.map((c) => ({ personId: c.personId, kind: c.kind, detail: c.detail, raisedAt: c.raisedAt })) });
  });
  return true;
}
