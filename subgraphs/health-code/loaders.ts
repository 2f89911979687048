// Per-request DataLoaders: every entity reference and child list of this silo is batched.
import DataLoader from "dataloader";
import type { PrismaClient, Resident, StatusCause } from "./generated/prisma/client";
import { byKey, groupByKey } from "../../kernel/runtime/batch";

export interface Loaders {
  resident: DataLoader<string, Resident | null>;
  openCauses: DataLoader<string, StatusCause[]>;
  cause: DataLoader<string, StatusCause | null>;
}

/** Creates this request's loaders. */
export function createLoaders(prisma: PrismaClient): Loaders {
  return {
    resident: new DataLoader(async (ids) => byKey(ids, await prisma.resident.findMany({ where: { personId: { in: [...ids] } } }), (r) => r.personId)),
    openCauses: new DataLoader(async (ids) =>
      groupByKey(ids, await prisma.statusCause.findMany({ where: { personId: { in: [...ids] }, clearedAt: null }, orderBy: { raisedAt: "asc" } }), (c) => c.personId),
    ),
    cause: new DataLoader(async (ids) => byKey(ids, await prisma.statusCause.findMany({ where: { id: { in: [...ids] } } }), (c) => c.id)),
  };
}
