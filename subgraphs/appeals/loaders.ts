// Per-request DataLoaders: every entity reference and child list of this silo is batched.
import DataLoader from "dataloader";
import type { Appeal, AppealTransition, Attachment, Evidence, PrismaClient } from "./generated/prisma/client";
import { byKey, groupByKey } from "../../kernel/runtime/batch";

export interface Loaders {
  appeal: DataLoader<string, Appeal | null>;
  /** An appeal's evidence, in the order it was added. */
  evidence: DataLoader<string, Evidence[]>;
  /** An appeal's attachments, in the order they were added. */
  attachments: DataLoader<string, Attachment[]>;
  /** An appeal's stored transitions, oldest first. */
  transitions: DataLoader<string, AppealTransition[]>;
  /** A person's appeals, most recent first. */
  personAppeals: DataLoader<string, Appeal[]>;
}

/** Creates this request's loaders. */
export function createLoaders(prisma: PrismaClient): Loaders {
  return {
    appeal: new DataLoader(async (ids) => byKey(ids, await prisma.appeal.findMany({ where: { id: { in: [...ids] } } }), (a) => a.id)),
    evidence: new DataLoader(async (ids) =>
      groupByKey(ids, await prisma.evidence.findMany({ where: { appealId: { in: [...ids] } }, orderBy: [{ addedAt: "asc" }, { id: "asc" }] }), (e) => e.appealId),
    ),
    attachments: new DataLoader(async (ids) =>
      groupByKey(ids, await prisma.attachment.findMany({ where: { appealId: { in: [...ids] } }, orderBy: [{ addedAt: "asc" }, { id: "asc" }] }), (e) => e.appealId),
    ),
    transitions: new DataLoader(async (ids) =>
      groupByKey(ids, await prisma.appealTransition.findMany({ where: { appealId: { in: [...ids] } }, orderBy: [{ at: "asc" }, { id: "asc" }] }), (t) => t.appealId),
    ),
    personAppeals: new DataLoader(async (ids) =>
      groupByKey(ids, await prisma.appeal.findMany({ where: { personId: { in: [...ids] } }, orderBy: [{ submittedAt: "desc" }, { id: "asc" }] }), (a) => a.personId),
    ),
  };
}
