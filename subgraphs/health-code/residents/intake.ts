// Resident intake and update (GB/T 38963 "declare health information"): the document is
// validated, sex and birth date come from a citizen ID number (asked for other documents), the
// phone is required, and the household-registration address is kept apart from where the person
// lives (人户分离). A resident registers themself; a community officer registers and updates the
// residents of their own community. Errors never repeat the document number.
import { fail } from "../../../kernel/runtime/errors";
import { checkMobilePhone, personIdFor, requireDocument, type DocumentType } from "../../../kernel/identity";
import { parseIsoDate, isRealDate } from "../../../kernel/identity/dates";
import type { Viewer } from "../../../kernel/auth/viewer";
import type { PrismaClient, Resident } from "../generated/prisma/client";
import { text } from "../causes/input";

export interface ResidentFields {
  name?: string | null;
  phone?: string | null;
  district?: string | null;
  community?: string | null;
  addressDetail?: string | null;
  householdDistrict?: string | null;
  householdAddress?: string | null;
}
export interface RegisterInput extends ResidentFields {
  documentType: DocumentType;
  documentNumber: string;
  name: string;
  phone: string;
  district: string;
  community: string;
  birthDate?: string | null;
  sex?: "M" | "F" | null;
}

function phoneOf(raw: string): string {
  const check = checkMobilePhone(raw);
  if (!check.ok) throw fail("BAD_USER_INPUT", check.message, { reason: check.reason, field: "phone" });
  return check.phone;
}

const optional = (v: string | null | undefined, field: string, max: number) => (v == null || v.trim() === "" ? null : text(v, field, max));

/** Checks the editable fields present in `f` (names, phone, addresses); absent ones stay absent. */
function fields(f: ResidentFields): Partial<Resident> {
  const out: Partial<Resident> = {};
  if (f.name != null) out.name = text(f.name, "name", 60);
  if (f.phone != null) out.phone = phoneOf(f.phone);
  if (f.district != null) out.district = text(f.district, "district", 40);
  if (f.community != null) out.community = text(f.community, "community", 60);
  if (f.addressDetail !== undefined) out.addressDetail = optional(f.addressDetail, "addressDetail", 120);
  if (f.householdDistrict !== undefined) out.householdDistrict = optional(f.householdDistrict, "householdDistrict", 60);
  if (f.householdAddress !== undefined) out.householdAddress = optional(f.householdAddress, "householdAddress", 120);
  for (const k of ["district", "community"] as const) if (out[k]?.includes(" ")) throw fail("BAD_USER_INPUT", `${k} is one name without spaces.`, { field: k });
  return out;
}

function birthAndSex(input: RegisterInput, doc: { birthDate?: string; sex?: "M" | "F" }): { birthDate: Date; sex: "M" | "F" | null } {
  // A citizen ID number states both; another document's holder gives them, and they are checked.
  const stated = doc.birthDate ?? input.birthDate ?? undefined;
  const date = stated ? parseIsoDate(stated) : undefined;
  if (!stated || !date || !isRealDate(date)) throw fail("BAD_USER_INPUT", "birthDate (YYYY-MM-DD) is needed for this document: a citizen ID number gives it, other documents do not.", { field: "birthDate" });
  const birthDate = new Date(`${stated}T00:00:00Z`);
  if (birthDate > new Date()) throw fail("BAD_USER_INPUT", "birthDate is in the future: check it.", { field: "birthDate" });
  return { birthDate, sex: doc.sex ?? input.sex ?? null };
}

/** Registers a resident (idempotent: the same document again returns the record when nothing differs). */
export async function registerResident(prisma: PrismaClient, viewer: Viewer, pepper: Uint8Array, input: RegisterInput): Promise<Resident> {
  const doc = requireDocument(input.documentType, input.documentNumber);
  const personId = personIdFor(doc, pepper);
  const checked = fields(input) as Required<Pick<Resident, "name" | "phone" | "district" | "community">> & Partial<Resident>;
  if (viewer.role === "RESIDENT" && viewer.subject !== personId) throw fail("FORBIDDEN", "A resident registers only themself: this document is not yours.");
  if (viewer.role === "COMMUNITY_OFFICER" && (!viewer.community || checked.community !== viewer.community)) {
    throw fail("FORBIDDEN", "A community officer registers residents of their own community only.");
  }
  const { birthDate, sex } = birthAndSex(input, doc);
  const existing = await prisma.resident.findUnique({ where: { personId } });
  if (existing) {
    const same = existing.name === checked.name && existing.phone === checked.phone && existing.community === checked.community && existing.district === checked.district;
    if (same) return existing;
    throw fail("CONFLICT", "This person is already registered: change their details with updateResident.", { reason: "ALREADY_REGISTERED", personId });
  }
  return prisma.resident.create({
    data: {
      personId, documentType: doc.type, documentNumber: doc.number, birthDate, sex,
      name: checked.name, phone: checked.phone, district: checked.district, community: checked.community,
      addressDetail: checked.addressDetail ?? null, householdDistrict: checked.householdDistrict ?? null, householdAddress: checked.householdAddress ?? null,
    },
  });
}

/** Updates a resident's contact and address fields (the document and what it states never change here). */
export async function updateResident(prisma: PrismaClient, viewer: Viewer, personId: string, input: ResidentFields): Promise<Resident> {
  const changes = fields(input);
  if (Object.keys(changes).length === 0) throw fail("BAD_USER_INPUT", "Nothing to change: give at least one field.");
  const resident = await prisma.resident.findUnique({ where: { personId } });
  if (!resident) throw fail("NOT_FOUND", "No resident has this id: check the person id.");
  const own = viewer.subject === personId && viewer.role === "RESIDENT";
  const officer = viewer.role === "COMMUNITY_OFFICER" && !!viewer.community && resident.community === viewer.community;
  if (!own && !officer) throw fail("FORBIDDEN", "Only the resident or their own community's officer may change these details.");
  return prisma.resident.update({ where: { personId }, data: { ...changes, updatedAt: new Date() } });
}
