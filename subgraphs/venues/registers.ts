// What registrars and officers do to registers: apply (with the venue's details), open another,
// delete, resume after their own status is green again, renew the printed code; officers suspend.
// Seed 003: only a registrar whose own status is green may open a register.
import { createHash, randomUUID } from "node:crypto";
import { fail } from "../../kernel/runtime/errors";
import { personIdFor, requireDocument } from "../../kernel/identity";
import type { Prisma, Register, VenueKind } from "./generated/prisma/client";
import type { VenuesContext } from "./context";
import { assertRegistrarGreen, SUSPENDED_ABNORMAL, type Tx } from "./registrarStatus";
import { requireRegistrar, requireRegistrarOf } from "./registrars";
import { signRegisterCode } from "./qr/registerCode";
import { clientKeyOf } from "./clientKeys";

const LABEL_MAX = 40;
const DETAIL_MAX = 100;
const REASON_MAX = 200;

export interface VenueDetails { name: string; kind: VenueKind; district: string; community: string; address: string }

function text(value: string, field: string, max: number, what: string): string {
  const v = value.trim();
  const length = Array.from(v).length;
  if (length < 1 || length > max) throw fail("BAD_USER_INPUT", `${what} must be 1 to ${max} characters long.`, { field });
  return v;
}

const labelOf = (label: string) => text(label, "label", LABEL_MAX, "A register's label");

/** Creates a register with a freshly signed code, inside the caller's transaction. */
async function openRegister(tx: Tx, ctx: VenuesContext, venueId: string, registrarId: string, label: string): Promise<Register> {
  const id = randomUUID();
  const code = await signRegisterCode(ctx.services.keys, id, venueId, ctx.services.config.codeTtlDays * 86_400);
  return tx.register.create({ data: { id, venueId, registrarId, label, code } });
}

/** Thrown inside a request's transaction when the same key was recorded first: rolls it back. */
class SentBefore extends Error {}

/** The register the request with this key opened, or null; refused when the key was used for other details. */
async function openedBefore(ctx: VenuesContext, personId: string, requestKey: string, digest: string): Promise<Register | null> {
  const row = await ctx.prisma.registerRequest.findUnique({ where: { personId_requestKey: { personId, requestKey } }, include: { register: true } });
  if (!row) return null;
  if (row.digest !== digest) {
    throw fail("CONFLICT", "This requestKey was already used for another request: make a new one for each request. Nothing was changed.", { reason: "REQUEST_KEY_REUSED", field: "requestKey" });
  }
  return row.register;
}

/**
 * Opens a register (`open`, inside one transaction) once per request key: a key seen before
 * answers the register it opened, with nothing written. Two sendings at once both run `open`; the
 * key's row (primary key: person and key) lets one commit, and the other rolls back and answers
 * the first's register.
 */
async function openOnce(ctx: VenuesContext, personId: string, rawKey: string | null | undefined, asked: unknown[], open: (tx: Tx) => Promise<Register>): Promise<Register> {
  const requestKey = clientKeyOf(rawKey, "requestKey", "request", "REQUEST_KEY_MALFORMED");
  if (requestKey === null) return ctx.prisma.$transaction(open);
  const digest = createHash("sha256").update(JSON.stringify(asked)).digest("hex");
  const before = await openedBefore(ctx, personId, requestKey, digest);
  if (before) return before;
  try {
    return await ctx.prisma.$transaction(async (tx) => {
      const register = await open(tx);
      const kept = await tx.$executeRaw`
        INSERT INTO register_request (person_id, request_key, digest, register_id)
        VALUES (${personId}, ${requestKey}, ${digest}, ${register.id}) ON CONFLICT DO NOTHING`;
      if (kept === 0) throw new SentBefore();
      return register;
    });
  } catch (err) {
    if (!(err instanceof SentBefore)) throw err;
    const first = await openedBefore(ctx, personId, requestKey, digest);
    if (!first) throw err;
    return first;
  }
}

/** A resident or registrar applies for a register by filling in a new venue's details; they become its first registrar. */
export async function applyForRegister(ctx: VenuesContext, details: VenueDetails, rawLabel: string, requestKey?: string | null): Promise<Register> {
  const applicant = ctx.viewer.subject;
  if (!applicant) throw fail("FORBIDDEN", "Applying for a register needs a person's token: this token belongs to no person.");
  const label = labelOf(rawLabel);
  const asked = {
    name: text(details.name, "venue.name", DETAIL_MAX, "The venue's name"),
    kind: details.kind,
    district: text(details.district, "venue.district", DETAIL_MAX, "The venue's district"),
    community: text(details.community, "venue.community", DETAIL_MAX, "The venue's community"),
    address: text(details.address, "venue.address", DETAIL_MAX, "The venue's address"),
  };
  return openOnce(ctx, applicant, requestKey, ["applyForRegister", asked, label], async (tx) => {
    const venue: Prisma.VenueCreateInput = { id: `venue-${randomUUID()}`, ...asked };
    await assertRegistrarGreen(tx, applicant);
    await tx.venue.create({ data: venue });
    await tx.registrar.create({ data: { venueId: venue.id, personId: applicant } });
    return openRegister(tx, ctx, venue.id, applicant, label);
  });
}

/** A registrar of the venue opens another register for it. */
export async function createRegister(ctx: VenuesContext, venueId: string, rawLabel: string, requestKey?: string | null): Promise<Register> {
  const label = labelOf(rawLabel);
  const registrarId = await requireRegistrarOf(ctx, venueId);
  return openOnce(ctx, registrarId, requestKey, ["createRegister", venueId, label], async (tx) => {
    await assertRegistrarGreen(tx, registrarId);
    return openRegister(tx, ctx, venueId, registrarId, label);
  });
}

/** A registrar of the venue names another person registrar of it (idempotent). */
export async function addRegistrar(ctx: VenuesContext, venueId: string, documentNumber: string) {
  const registrarId = await requireRegistrarOf(ctx, venueId);
  const personId = personIdFor(requireDocument("CITIZEN_ID", documentNumber), ctx.services.pepper);
  await ctx.prisma.registrar.upsert({
    where: { venueId_personId: { venueId, personId } },
    create: { venueId, personId, addedBy: registrarId },
    update: {},
  });
  return ctx.loaders.venue.load(venueId);
}

/** The signed-in registrar's own register (NOT_FOUND when unknown, FORBIDDEN when another registrar's). */
export async function ownRegister(ctx: VenuesContext, id: string): Promise<Register> {
  const registrarId = requireRegistrar(ctx);
  const register = await ctx.loaders.register.load(id);
  if (!register) throw fail("NOT_FOUND", "No register has this id.", { field: "id" });
  if (register.registrarId !== registrarId) throw fail("FORBIDDEN", "This register is not yours: you may act only on your own registers.", { reason: "NOT_OWN_REGISTER" });
  return register;
}

function refresh(ctx: VenuesContext, r: Register): Register {
  ctx.loaders.register.clear(r.id).prime(r.id, r);
  return r;
}

/** Idempotent: deleting a deleted register returns it unchanged. Check-ins stay until the retention job. */
export async function deleteRegister(ctx: VenuesContext, id: string): Promise<Register> {
  const register = await ownRegister(ctx, id);
  if (register.status === "DELETED") return register;
  return refresh(ctx, await ctx.prisma.register.update({ where: { id }, data: { status: "DELETED", deletedAt: new Date() } }));
}

/** Back into service after the registrar's own status suspended it, once they are green again. */
export async function resumeRegister(ctx: VenuesContext, id: string): Promise<Register> {
  const register = await ownRegister(ctx, id);
  if (register.status === "ACTIVE") return register;
  if (register.status === "DELETED") throw fail("CONFLICT", "This register was deleted: apply for a new one.", { reason: "REGISTER_DELETED" });
  if (register.suspendedBy !== null || register.suspendedReason !== SUSPENDED_ABNORMAL) {
    throw fail("FORBIDDEN", `A community officer suspended this register (${register.suspendedReason ?? "no reason given"}): only the community committee can lift it.`, { reason: "SUSPENDED_BY_OFFICER" });
  }
  return refresh(ctx, await ctx.prisma.$transaction(async (tx) => {
    await assertRegistrarGreen(tx, register.registrarId);
    // Conditional on the row still being suspended for the status: an officer may have acted meanwhile.
    const n = await tx.register.updateMany({ where: { id, status: "SUSPENDED", suspendedBy: null, suspendedReason: SUSPENDED_ABNORMAL }, data: { status: "ACTIVE", suspendedReason: null, suspendedAt: null } });
    if (n.count !== 1) throw fail("CONFLICT", "This register changed meanwhile: look at it again.");
    return tx.register.findUniqueOrThrow({ where: { id } });
  }));
}

/** A fresh signed code for the registrar's register; the old print stops working. */
export async function renewRegisterCode(ctx: VenuesContext, id: string): Promise<Register> {
  const register = await ownRegister(ctx, id);
  if (register.status === "DELETED") throw fail("CONFLICT", "This register was deleted: apply for a new one.", { reason: "REGISTER_DELETED" });
  const code = await signRegisterCode(ctx.services.keys, id, register.venueId, ctx.services.config.codeTtlDays * 86_400);
  return refresh(ctx, await ctx.prisma.register.update({ where: { id }, data: { code } }));
}

/** A community officer of the venue's community suspends a register for breaking the rules. */
export async function suspendRegister(ctx: VenuesContext, id: string, rawReason: string): Promise<Register> {
  const { role, subject, community } = ctx.viewer;
  if (role !== "COMMUNITY_OFFICER" || !subject) throw fail("FORBIDDEN", "Only a community officer may suspend a register.");
  const reason = text(rawReason, "reason", REASON_MAX, "The reason");
  const register = await ctx.loaders.register.load(id);
  if (!register) throw fail("NOT_FOUND", "No register has this id.", { field: "id" });
  const venue = await ctx.loaders.venue.load(register.venueId);
  if (!community || venue?.community !== community) throw fail("FORBIDDEN", "This register's venue is not in your community.", { reason: "OUTSIDE_COMMUNITY" });
  if (register.status === "DELETED") throw fail("CONFLICT", "This register was deleted already.", { reason: "REGISTER_DELETED" });
  return refresh(ctx, await ctx.prisma.register.update({ where: { id }, data: { status: "SUSPENDED", suspendedBy: subject, suspendedReason: reason, suspendedAt: new Date() } }));
}
