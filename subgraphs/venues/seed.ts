// Seeds the venues silo's part of the demo city (embedded mode, or SEED_DEMO=1).
import type { DemoCity } from "../../kernel/demo/city";
import type { PrismaClient } from "./generated/prisma/client";

/** Inserts venues, their registers and past check-ins when the silo is empty; returns whether it seeded. */
export async function seedVenues(prisma: PrismaClient, city: DemoCity): Promise<boolean> {
  if ((await prisma.venue.count()) > 0) return false;
  await prisma.$transaction(async (tx) => {
    await tx.venue.createMany({ data: city.venues.map((v) => ({ id: v.id, name: v.name, district: v.district, community: v.community, address: v.address })) });
    await tx.register.createMany({
      data: city.registers.map((r) => ({ id: r.id, venueId: r.venueId, registrarId: r.registrarId, code: r.code, label: r.label })),
    });
    await tx.checkIn.createMany({ data: city.checkIns.map((c) => ({ registerId: c.registerId, personId: c.personId, checkedInAt: c.checkedInAt })) });
  });
  return true;
}
