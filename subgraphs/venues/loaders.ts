// Per-request DataLoaders: every entity reference and child list of this silo is batched.
import DataLoader from "dataloader";
import type { PrismaClient, Register, Venue } from "./generated/prisma/client";
import type { CheckIn } from "./checkIns";
import { byKey, groupByKey } from "../../kernel/runtime/batch";
import { latestCheckIns } from "./checkInLists";
import { prismaSql, type Sql } from "../../kernel/db/sql";

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
  /** A person's latest `last` check-ins (clamped), most recent first; one loader per `last`. */
  personCheckIns(last: number): DataLoader<string, CheckIn[]>;
  /** A register's latest `last` check-ins (clamped), most recent first; one loader per `last`. */
  registerCheckIns(last: number): DataLoader<string, CheckIn[]>;
}

/** Creates this request's loaders. */
export function createLoaders(prisma: PrismaClient, sql: Sql = prismaSql(prisma)): Loaders {
  const byLast = new Map<string, DataLoader<string, CheckIn[]>>();
  // One loader per (column, last): keys asked with the same `last` in one tick are one statement.
  const checkIns = (column: "person_id" | "register_id", last: number) => {
    const n = clampLast(last);
    const name = `${column}:${n}`;
    let loader = byLast.get(name);
    if (!loader) {
      loader = new DataLoader(async (keys) => {
        const { lists, registers, venues } = await latestCheckIns(sql, column, keys, n);
        for (const r of registers) loaders.register.prime(r.id, r);
        for (const v of venues) loaders.venue.prime(v.id, v);
        return lists;
      });
      byLast.set(name, loader);
    }
    return loader;
  };
  const loaders: Loaders = {
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
    personCheckIns: (last) => checkIns("person_id", last),
    registerCheckIns: (last) => checkIns("register_id", last),
  };
  return loaders;
}
