// The testing silo's part of the disclosure audit log (auditors only; see permissions.ts).
import type { TestingContext } from "../context";
import { AUDIT_PAGE_CAP, readAudit } from "../../../kernel/privacy/audit";
import { prismaSql } from "../../../kernel/db/sql";

export const DisclosureAudit = {
  __resolveReference: (ref: { id: string }) => ref,
  testing: (_: { id: string }, args: { last: number; since?: Date | null }, ctx: TestingContext) =>
    readAudit(prismaSql(ctx.prisma), args.last, args.since ?? undefined),
  sampleLookups: async (_: { id: string }, args: { last: number; since?: Date | null }, ctx: TestingContext) => {
    const last = Math.min(AUDIT_PAGE_CAP, Math.max(1, Math.trunc(args.last)));
    const rows = await ctx.prisma.sampleLookup.findMany({ where: args.since ? { at: { gte: args.since } } : {}, orderBy: [{ at: "desc" }, { id: "asc" }], take: last });
    return rows.reverse();
  },
};
