// Person as the health-code silo knows it: the real-name record and the derived status.
import type { Resident } from "../generated/prisma/client";
import type { HealthCodeContext } from "../context";
import { deriveStatus, LABELS } from "../status";
import { fail } from "../../../kernel/runtime/errors";
import { isMinor } from "../residents/minor";
import { recordRead } from "../../../kernel/privacy/readAudit";

type PersonRef = { id: string; latestNegativeResultAt?: string | null; resultsChecked?: boolean | null };
/** The parent of every Person field: the key, and the resident row once loaded. */
export type PersonParent = PersonRef & { resident?: Resident | null };

/** Wraps a resident row as a Person parent (null stays null). */
export function toPerson(resident: Resident | null): PersonParent | null {
  return resident ? { id: resident.personId, resident } : null;
}

async function resident(p: PersonParent, ctx: HealthCodeContext): Promise<Resident | null> {
  return p.resident !== undefined ? p.resident : ctx.loaders.resident.load(p.id);
}

export const Person = {
  // Nothing is read here: a field that needs the resident row loads it (batched), and the
  // @requires fetch of the resident query asks only for healthCode, which needs the causes alone.
  __resolveReference: (ref: PersonRef): PersonParent => ref,
  name: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => (await resident(p, ctx))?.name ?? null,
  documentType: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => (await resident(p, ctx))?.documentType ?? null,
  documentNumber: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => (await resident(p, ctx))?.documentNumber ?? null,
  phone: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => (await resident(p, ctx))?.phone ?? null,
  birthDate: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => (await resident(p, ctx))?.birthDate.toISOString().slice(0, 10) ?? null,
  address: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => {
    const r = await resident(p, ctx);
    return r ? `${r.district} ${r.community}` : null;
  },
  householdAddress: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => {
    const r = await resident(p, ctx);
    return r?.householdDistrict ? [r.householdDistrict, r.householdAddress].filter(Boolean).join(" ") : null;
  },
  minor: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => {
    const r = await resident(p, ctx);
    return r ? isMinor(r.birthDate) : null;
  },
  healthCode: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => {
    // Another person's status is health data: the read is audited (only reached where permitted).
    await recordRead(ctx, [p.id], "Person.healthCode");
    const open = await ctx.loaders.openCauses.load(p.id);
    // Testing could not answer (down, slow, or its database failing): derive from our own causes
    // as if there were no negative result, which can only keep a cause open, never clear one.
    const latestTestChecked = p.resultsChecked === true;
    const latest = latestTestChecked && p.latestNegativeResultAt ? new Date(p.latestNegativeResultAt) : null;
    const { colour, causes } = deriveStatus(open, latest);
    // personId travels with the object so permissions.ts can tell whose causes these are.
    return { personId: p.id, colour, label: LABELS[colour], causes, asOf: new Date(), latestTestChecked };
  },
  vaccinations: async (p: PersonParent, _: unknown, ctx: HealthCodeContext) => {
    await recordRead(ctx, [p.id], "Person.vaccinations");
    return ctx.loaders.vaccinations.load(p.id);
  },
  statusHistory: async (p: PersonParent, args: { last: number }, ctx: HealthCodeContext) => {
    if (!Number.isInteger(args.last) || args.last < 1 || args.last > 500) throw fail("BAD_USER_INPUT", "last must be from 1 to 500.", { field: "last" });
    await recordRead(ctx, [p.id], "Person.statusHistory");
    return (await ctx.loaders.history.load(p.id)).slice(0, args.last);
  },
};
