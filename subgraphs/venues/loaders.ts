// Per-request DataLoaders: every entity reference and child list of this silo is batched.
import DataLoader from "dataloader";
import { Prisma, type CheckIn, type PrismaClient, type Register, type Venue } from "./generated/prisma/client";
import { byKey, groupByKey } from "../../kernel/runtime/batch";

/** The most check-ins one list returns (per person or per register); `last` is clamped to 1..CHECK_IN_CAP. */
export const CHECK_IN_CAP = 100;

/** Clamps a list's `last` argument to 1..CHECK_IN_CAP. */
export function clampLast(last: number): number {
  return Math.min(CHECK_IN_CAP, Math.max(1, Math.trunc(last)));
}

export interface Loaders {
  venue: DataLoader<string, Venue | null>;
  register: DataLoader<string, Register | null>;
  checkIn: DataLoader<string, CheckIn | null>;
  /** A venue's registers that are not deleted, oldest first. */
  venueRegisters: DataLoader<string, Register[]>;
  /** A person's latest CHECK_IN_CAP check-ins, most recent first. */
  personCheckIns: DataLoader<string, CheckIn[]>;
  /** A register's latest CHECK_IN_CAP check-ins, most recent first. */
  registerCheckIns: DataLoader<string, CheckIn[]>;
}

type CheckInRow = { id: string; registerId: string; personId: string; checkedInAt: Date | string };

/** The latest CHECK_IN_CAP check-ins of each key, in one query (a window per key keeps the cap per key). */
async function latestCheckIns(prisma: PrismaClient, column: "person_id" | "register_id", keys: readonly string[]): Promise<CheckIn[]> {
  const rows = await prisma.$queryRaw<CheckInRow[]>`
    SELECT id, register_id AS "registerId", person_id AS "personId", checked_in_at AS "checkedInAt"
    FROM (
      SELECT c.*, row_number() OVER (PARTITION BY ${Prisma.raw(column)} ORDER BY checked_in_at DESC, id DESC) AS rn
      FROM check_in c
      WHERE ${Prisma.raw(column)} IN (${Prisma.join([...keys])})
    ) latest
    WHERE rn <= ${CHECK_IN_CAP}
    ORDER BY checked_in_at DESC, id DESC`;
  return rows.map((r) => ({ ...r, checkedInAt: r.checkedInAt instanceof Date ? r.checkedInAt : new Date(r.checkedInAt) }));
}

/** Creates this request's loaders. */
export function createLoaders(prisma: PrismaClient): Loaders {
  return {
    venue: new DataLoader(async (ids) => byKey(ids, await prisma.venue.findMany({ where: { id: { in: [...ids] } } }), (v) => v.id)),
    register: new DataLoader(async (ids) => byKey(ids, await prisma.register.findMany({ where: { id: { in: [...ids] } } }), (r) => r.id)),
    checkIn: new DataLoader(async (ids) => byKey(ids, await prisma.checkIn.findMany({ where: { id: { in: [...ids] } } }), (c) => c.id)),
    venueRegisters: new DataLoader(async (ids) =>
      groupByKey(
        ids,
        await prisma.register.findMany({ where: { venueId: { in: [...ids] }, status: { not: "DELETED" } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
        (r) => r.venueId,
      ),
    ),
    personCheckIns: new DataLoader(async (ids) => groupByKey(ids, await latestCheckIns(prisma, "person_id", ids), (c) => c.personId)),
    registerCheckIns: new DataLoader(async (ids) => groupByKey(ids, await latestCheckIns(prisma, "register_id", ids), (c) => c.registerId)),
  };
}
