// Staff bindings (issue 13, item 1): samplers are bound to sampling sites and lab staff to
// agencies in the silo's own table, and the silo checks the binding, not only the token's claim.
// An agency administers its own people: a lab member bound to the agency binds samplers to the
// agency's sites and lab staff to the agency, by the person's identity document (validated, turned
// into the pseudonymous person id; the number is never stored), and revokes bindings. The first
// lab member of an agency is provisioned by the agency's own system (SQL) or the demo seed.
import { randomUUID } from "node:crypto";
import type { PrismaClient, StaffBinding } from "./generated/prisma/client";
import { personIdFor, requireDocument, type DocumentType } from "../../kernel/identity";
import { fail } from "../../kernel/runtime/errors";

export type StaffRole = "SAMPLER" | "LAB";

export interface BindStaffInput {
  role: StaffRole;
  documentType: DocumentType;
  documentNumber: string;
  /** The site, for a sampler. */
  siteId?: string | null;
}

/** Where a binding places its person: a site (sampler) or an agency (lab), and the agency either way. */
async function placeOf(prisma: PrismaClient, role: StaffRole, siteId: string | null | undefined, agencyId: string): Promise<{ siteId: string | null; agencyId: string | null }> {
  if (role === "LAB") {
    if (siteId) throw fail("BAD_USER_INPUT", "Lab staff are bound to the agency, not to a site: leave siteId out.", { field: "siteId" });
    return { siteId: null, agencyId };
  }
  if (!siteId) throw fail("BAD_USER_INPUT", "A sampler is bound to one sampling site: give its siteId.", { field: "siteId" });
  const site = await prisma.samplingSite.findUnique({ where: { id: siteId } });
  if (!site) throw fail("NOT_FOUND", "No sampling site has this id.", { field: "siteId", reason: "UNKNOWN_SITE" });
  if (site.agencyId !== agencyId) throw fail("FORBIDDEN", "This site belongs to another agency: only its own agency binds its samplers.", { reason: "OTHER_AGENCY" });
  return { siteId, agencyId: null };
}

/** Binds a person; binding someone already bound there returns the live binding unchanged. */
export async function bindStaff(prisma: PrismaClient, pepper: Uint8Array, agencyId: string, actorId: string | null, input: BindStaffInput): Promise<StaffBinding> {
  if (input.role !== "SAMPLER" && input.role !== "LAB") throw fail("BAD_USER_INPUT", "role is SAMPLER or LAB.", { field: "role" });
  const doc = requireDocument(input.documentType, input.documentNumber);
  const personId = personIdFor(doc, pepper);
  const place = await placeOf(prisma, input.role, input.siteId, agencyId);
  return prisma.$transaction(async (tx) => {
    const live = await tx.staffBinding.findFirst({ where: { personId, role: input.role, revokedAt: null, ...place } });
    if (live) return live;
    return tx.staffBinding.create({ data: { id: randomUUID(), personId, role: input.role, ...place, boundBy: actorId } });
  });
}

/** The agency a binding belongs to (its own, or its site's). */
async function agencyOfBinding(prisma: PrismaClient, b: StaffBinding): Promise<string | null> {
  if (b.agencyId) return b.agencyId;
  if (!b.siteId) return null;
  return (await prisma.samplingSite.findUnique({ where: { id: b.siteId } }))?.agencyId ?? null;
}

/** Revokes a binding of the caller's agency; revoking a revoked binding returns it unchanged. */
export async function revokeStaffBinding(prisma: PrismaClient, agencyId: string, actorId: string | null, id: string): Promise<StaffBinding> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : null;
  const binding = uuid ? await prisma.staffBinding.findUnique({ where: { id: uuid } }) : null;
  // Another agency's binding is answered like an unknown one: its existence is not the caller's to learn.
  if (!binding || (await agencyOfBinding(prisma, binding)) !== agencyId) throw fail("NOT_FOUND", "No staff binding of your agency has this id.", { field: "id", reason: "UNKNOWN_BINDING" });
  if (binding.revokedAt) return binding;
  // Conditional on still being live, so a concurrent revocation keeps its own time and actor.
  await prisma.staffBinding.updateMany({ where: { id: binding.id, revokedAt: null }, data: { revokedAt: new Date(), revokedBy: actorId } });
  return (await prisma.staffBinding.findUnique({ where: { id: binding.id } }))!;
}

/** The agency's live bindings (its lab staff and its sites' samplers), newest first. */
export async function staffBindings(prisma: PrismaClient, agencyId: string, includeRevoked: boolean): Promise<StaffBinding[]> {
  const sites = (await prisma.samplingSite.findMany({ where: { agencyId }, select: { id: true } })).map((s) => s.id);
  return prisma.staffBinding.findMany({
    where: { OR: [{ agencyId }, { siteId: { in: sites } }], ...(includeRevoked ? {} : { revokedAt: null }) },
    orderBy: [{ boundAt: "desc" }, { id: "asc" }],
    take: 1000,
  });
}
