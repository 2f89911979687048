// Seeds the venues silo's part of the demo city (embedded mode, or SEED_DEMO=1). Each register's
// code is signed here (the demo city's plain codes are only its labels for humans); each register's
// holder becomes a registrar row of its venue.
import type { DemoCity } from "../../kernel/demo/city";
import type { PrismaClient, VenueKind } from "./generated/prisma/client";
import type { VenuesServices } from "./context";
import { signRegisterCode } from "./qr/registerCode";

/** The demo city names venues by what they are (超市, 菜市场 …). */
function kindOf(name: string): VenueKind {
  if (name.endsWith("超市")) return "SHOP";
  if (name.endsWith("菜市场")) return "MARKET";
  if (name.endsWith("图书馆")) return "LIBRARY";
  if (name.endsWith("餐厅")) return "RESTAURANT";
  if (name.endsWith("医院")) return "HOSPITAL";
  return "OTHER";
}

/** Inserts venues, registrars, registers and past check-ins when the silo is empty; returns whether it seeded. */
export async function seedVenues(prisma: PrismaClient, city: DemoCity, services: Omit<VenuesServices, "testingCodeKey">): Promise<boolean> {
  if ((await prisma.venue.count()) > 0) return false;
  const ttl = services.config.codeTtlDays * 86_400;
  const codes = await Promise.all(city.registers.map((r) => signRegisterCode(services.keys, r.id, r.venueId, ttl)));
  const registrars = new Map(city.registers.map((r) => [`${r.venueId}|${r.registrarId}`, { venueId: r.venueId, personId: r.registrarId }]));
  await prisma.$transaction(async (tx) => {
    await tx.venue.createMany({ data: city.venues.map((v) => ({ id: v.id, name: v.name, kind: kindOf(v.name), district: v.district, community: v.community, address: v.address })) });
    await tx.registrar.createMany({ data: [...registrars.values()] });
    await tx.register.createMany({
      data: city.registers.map((r, i) => ({ id: r.id, venueId: r.venueId, registrarId: r.registrarId, code: codes[i]!, label: r.label })),
    });
    await tx.checkIn.createMany({ data: city.checkIns.map((c) => ({ registerId: c.registerId, personId: c.personId, checkedInAt: c.checkedInAt })) });
  });
  return true;
}
