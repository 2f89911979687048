// Root queries of the health-code silo. Who may call each is in permissions.ts.
import type { HealthCodeContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { toPerson } from "./Person";
import { countStatuses } from "../statusCounts";
import { lookupRequests, proxyLookups } from "../proxies/lookups";

export const Query = {
  me: async (_: unknown, __: unknown, ctx: HealthCodeContext) => {
    if (!ctx.viewer.subject) throw fail("FORBIDDEN", "This token belongs to no person: 'me' needs a resident's token.");
    return toPerson(await ctx.loaders.resident.load(ctx.viewer.subject));
  },
  person: async (_: unknown, args: { id: string }, ctx: HealthCodeContext) => {
    const person = toPerson(await ctx.loaders.resident.load(args.id));
    if (!person) throw fail("NOT_FOUND", "No resident has this id: check the person id (it is the pseudonymous id, not an ID number).");
    return person;
  },
  wards: async (_: unknown, __: unknown, ctx: HealthCodeContext) => {
    const bindings = await ctx.prisma.proxyBinding.findMany({
      where: { guardianId: ctx.viewer.subject ?? "", faceVerifiedAt: { not: null }, revokedAt: null },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const residents = await ctx.loaders.resident.loadMany(bindings.map((b) => b.wardId));
    return residents.flatMap((r) => (r && !(r instanceof Error) ? [toPerson(r)!] : []));
  },
  statusCounts: (_: unknown, args: { district?: string | null }, ctx: HealthCodeContext) => countStatuses(ctx.prisma, args.district ?? null),
  disclosureAudit: () => ({ id: "city" }),
  openCases: (_: unknown, __: unknown, ctx: HealthCodeContext) => ctx.prisma.epiCase.findMany({ where: { closedAt: null }, orderBy: [{ openedAt: "asc" }, { reference: "asc" }] }),
  proxyLookups: (_: unknown, __: unknown, ctx: HealthCodeContext) => proxyLookups(ctx),
  lookupRequests: (_: unknown, __: unknown, ctx: HealthCodeContext) => lookupRequests(ctx),
  testingCodeKey: async (_: unknown, __: unknown, ctx: HealthCodeContext) => JSON.stringify((await ctx.testingCodeKeys).publicJwk),
};
