// The health-code silo's part of the disclosure audit log (auditors only; see permissions.ts).
import type { HealthCodeContext } from "../context";
import { readAudit } from "../../../kernel/privacy/audit";
import { prismaSql } from "../../../kernel/db/sql";

export const DisclosureAudit = {
  __resolveReference: (ref: { id: string }) => ref,
  healthCode: (_: { id: string }, args: { last: number; since?: Date | null }, ctx: HealthCodeContext) =>
    readAudit(prismaSql(ctx.prisma), args.last, args.since ?? undefined),
};
