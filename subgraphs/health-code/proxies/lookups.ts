// How a guardian's proxy look-ups and a resident's pending consent requests are answered. A ward
// the health code knows nothing about is said so plainly (seed 002), never a bare null.
import { maskName } from "../../../kernel/identity";
import type { ProxyBinding } from "../generated/prisma/client";
import type { HealthCodeContext } from "../context";
import { toPerson, type PersonParent } from "../resolvers/Person";

export const NOTHING_KNOWN = "暂不掌握被查人防疫相关健康状态情况 — no epidemic health status is known for this person.";
const AWAITING_CONSENT = "Waiting for this person's consent to be looked up.";

export interface ProxyLookupView { id: string; relation: string; method: string | null; verified: boolean; known: boolean; notice: string | null; ward: PersonParent | null }

/** One binding as the guardian sees it. */
export async function lookupView(b: ProxyBinding, ctx: HealthCodeContext): Promise<ProxyLookupView> {
  const verified = b.faceVerifiedAt !== null && b.revokedAt === null;
  const resident = verified ? await ctx.loaders.resident.load(b.wardId) : null;
  const notice = !verified ? AWAITING_CONSENT : resident ? null : NOTHING_KNOWN;
  return { id: b.id, relation: b.relation, method: b.verificationMethod, verified, known: resident !== null, notice, ward: toPerson(resident) };
}

/** The signed-in guardian's bindings, oldest first (revoked ones left out). */
export async function proxyLookups(ctx: HealthCodeContext): Promise<ProxyLookupView[]> {
  const bindings = await ctx.prisma.proxyBinding.findMany({ where: { guardianId: ctx.viewer.subject ?? "", revokedAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return Promise.all(bindings.map((b) => lookupView(b, ctx)));
}

/** Requests to look the signed-in resident up (他人代查), with the requester's masked name. */
export async function lookupRequests(ctx: HealthCodeContext) {
  const pending = await ctx.prisma.proxyBinding.findMany({ where: { wardId: ctx.viewer.subject ?? "", verificationMethod: "CONSENT", revokedAt: null }, orderBy: { createdAt: "asc" } });
  const requesters = await ctx.loaders.resident.loadMany(pending.map((b) => b.guardianId));
  return pending.map((b, i) => {
    const r = requesters[i];
    return { id: b.id, requestedAt: b.createdAt, consented: b.faceVerifiedAt !== null, requesterMaskedName: r && !(r instanceof Error) ? maskName(r.name) : null };
  });
}
