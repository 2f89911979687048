// The venues silo's part of the disclosure audit log (auditors only; see permissions.ts).
import type { VenuesContext } from "../context";
import { readAudit } from "../../../kernel/privacy/audit";
import { prismaSql } from "../../../kernel/db/sql";

export const DisclosureAudit = {
  __resolveReference: (ref: { id: string }) => ref,
  venues: (_: { id: string }, args: { last: number; since?: Date | null }, ctx: VenuesContext) =>
    readAudit(prismaSql(ctx.prisma), args.last, args.since ?? undefined),
};
