// Per-request DataLoaders: every entity reference and child list of this silo is batched.
import DataLoader from "dataloader";
import type { ClearingStep, PrismaClient, ProxyBinding, Resident, StatusCause, StatusChange, TestRecord, Vaccination } from "./generated/prisma/client";
import type { Viewer } from "../../kernel/auth/viewer";
import { byKey, groupByKey } from "../../kernel/runtime/batch";
import { prismaSql, type Sql } from "../../kernel/db/sql";
import { readOpenCauses, readResidents } from "./hotReads";

export interface Loaders {
  resident: DataLoader<string, Resident | null>;
  openCauses: DataLoader<string, StatusCause[]>;
  cause: DataLoader<string, StatusCause | null>;
  /** The viewer's face-verified, unrevoked binding to a ward, by ward id (GUARDIAN viewers only). */
  verifiedWard: DataLoader<string, ProxyBinding | null>;
  /** A person's test records (from testing's events), for the clearing rules. */
  tests: DataLoader<string, TestRecord[]>;
  /** The recorded clearing steps of a cause. */
  steps: DataLoader<string, ClearingStep[]>;
  /** A person's colour changes, newest first. */
  history: DataLoader<string, StatusChange[]>;
  /** A person's vaccinations, oldest first. */
  vaccinations: DataLoader<string, Vaccination[]>;
}

/**
 * Creates this request's loaders. `sql` is the silo database's own seam (a pg pool in services
 * mode): the status look-up's two reads go through it rather than through Prisma (hotReads.ts).
 */
export function createLoaders(prisma: PrismaClient, viewer: Viewer, sql: Sql = prismaSql(prisma)): Loaders {
  const guardianId = viewer.role === "GUARDIAN" ? viewer.subject : undefined;
  return {
    resident: new DataLoader(async (ids) => byKey(ids, await readResidents(sql, ids), (r) => r.personId)),
    openCauses: new DataLoader(async (ids) => groupByKey(ids, await readOpenCauses(sql, ids), (c) => c.personId)),
    cause: new DataLoader(async (ids) => byKey(ids, await prisma.statusCause.findMany({ where: { id: { in: [...ids] } } }), (c) => c.id)),
    verifiedWard: new DataLoader(async (ids) =>
      guardianId === undefined
        ? ids.map(() => null)
        : byKey(ids, await prisma.proxyBinding.findMany({ where: { guardianId, wardId: { in: [...ids] }, faceVerifiedAt: { not: null }, revokedAt: null } }), (b) => b.wardId),
    ),
    tests: new DataLoader(async (ids) => groupByKey(ids, await prisma.testRecord.findMany({ where: { personId: { in: [...ids] } } }), (t) => t.personId)),
    steps: new DataLoader(async (ids) => groupByKey(ids, await prisma.clearingStep.findMany({ where: { causeId: { in: [...ids] } } }), (s) => s.causeId)),
    history: new DataLoader(async (ids) =>
      groupByKey(ids, await prisma.statusChange.findMany({ where: { personId: { in: [...ids] } }, orderBy: [{ at: "desc" }, { id: "asc" }] }), (c) => c.personId),
    ),
    vaccinations: new DataLoader(async (ids) =>
      groupByKey(ids, await prisma.vaccination.findMany({ where: { personId: { in: [...ids] } }, orderBy: [{ administeredAt: "asc" }, { id: "asc" }] }), (v) => v.personId),
    ),
  };
}
