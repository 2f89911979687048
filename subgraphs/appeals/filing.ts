// Checks on what an appellant files: texts, evidence references (checked against the owning
// silo's facts as replicated here), attachments' metadata, the contact phone, and who the appeal
// is for (the appellant, or a guardian's verified ward).
import type { EvidenceKind } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";
import type { Viewer } from "../../kernel/auth/viewer";
import type { Tx } from "./workflow";

export const EVIDENCE_MAX = 20;
export const ATTACHMENTS_MAX = 10;
const REFERENCE_MAX = 500;
const ATTACHMENT_BYTES_MAX = 20 * 1024 * 1024;
const MEDIA_TYPES = ["image/jpeg", "image/png", "image/heic", "image/webp", "application/pdf"];

export interface EvidenceInput { kind: EvidenceKind; reference: string }
export interface AttachmentInput { fileName: string; mediaType: string; sizeBytes: number; sha256: string }

/** Trims a text and checks its length in characters (not UTF-16 units). */
export function text(value: string, max: number, message: string, field?: string): string {
  const trimmed = value.trim();
  const length = Array.from(trimmed).length;
  if (length < 1 || length > max) throw fail("BAD_USER_INPUT", message, field ? { field } : {});
  return trimmed;
}

/** A mainland mobile number, spaces and dashes removed; BAD_USER_INPUT otherwise. */
export function contactPhone(raw: string | null | undefined): string | null {
  if (raw == null || raw.trim() === "") return null;
  const digits = raw.replace(/[\s-]/g, "").replace(/^\+86/, "");
  if (!/^1[3-9]\d{9}$/.test(digits)) throw fail("BAD_USER_INPUT", "The contact phone must be an 11-digit mobile number starting with 1, e.g. 13800138000.", { field: "contactPhone" });
  return digits;
}

/** Checks attachments' metadata: name, an accepted media type, a size, a SHA-256 in hex. */
export function attachments(list: AttachmentInput[]): AttachmentInput[] {
  if (list.length > ATTACHMENTS_MAX) throw fail("BAD_USER_INPUT", `An appeal takes at most ${ATTACHMENTS_MAX} attachments.`, { field: "attachments" });
  return list.map((a) => {
    const fileName = text(a.fileName, 200, "Every attachment needs a file name of 1 to 200 characters.", "attachments");
    if (!MEDIA_TYPES.includes(a.mediaType)) throw fail("BAD_USER_INPUT", `Attach a photo or a PDF (${MEDIA_TYPES.join(", ")}).`, { field: "attachments" });
    if (!Number.isInteger(a.sizeBytes) || a.sizeBytes < 1 || a.sizeBytes > ATTACHMENT_BYTES_MAX) throw fail("BAD_USER_INPUT", "An attachment must be between 1 byte and 20 MB.", { field: "attachments" });
    const sha256 = a.sha256.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw fail("BAD_USER_INPUT", "An attachment's sha256 must be the file's SHA-256 as 64 hexadecimal characters.", { field: "attachments" });
    return { fileName, mediaType: a.mediaType, sizeBytes: a.sizeBytes, sha256 };
  });
}

/**
 * Checks each piece of evidence. A NEGATIVE_RESULT must name a tube in which the appeal's person
 * has a recorded negative result (testing's ResultRecorded, replicated): unknown and someone
 * else's are both NOT_FOUND, so the answer never confirms another person's result; a positive
 * one is BAD_USER_INPUT. A TRIP_DECLARATION must name a trip the person declared in health-code
 * (TripDeclared, replicated). Other kinds are references the officer checks by hand.
 */
export async function evidence(tx: Tx, personId: string, list: EvidenceInput[]): Promise<EvidenceInput[]> {
  if (list.length > EVIDENCE_MAX) throw fail("BAD_USER_INPUT", `An appeal takes at most ${EVIDENCE_MAX} pieces of evidence.`, { field: "evidence" });
  const out: EvidenceInput[] = [];
  for (const e of list) {
    const reference = text(e.reference, REFERENCE_MAX, `Every piece of evidence needs a reference of 1 to ${REFERENCE_MAX} characters.`, "evidence");
    if (e.kind === "NEGATIVE_RESULT") {
      const result = await tx.resultReplica.findUnique({ where: { tubeId_personId: { tubeId: reference, personId } } });
      if (!result) throw fail("NOT_FOUND", "No recorded test result of yours has this tube id: copy it from your tests (a result recorded in the last few seconds may need a moment).", { field: "evidence", reason: "EVIDENCE_NOT_FOUND" });
      if (result.outcome !== "NEGATIVE") throw fail("BAD_USER_INPUT", "This result is not negative: only a negative result is evidence against a pop-up.", { field: "evidence", reason: "EVIDENCE_NOT_NEGATIVE" });
    }
    if (e.kind === "TRIP_DECLARATION") {
      const trip = await tx.tripReplica.findUnique({ where: { tripId: reference } });
      if (!trip || trip.personId !== personId) throw fail("NOT_FOUND", "No trip you declared has this id: copy it from your declared trips (a trip declared in the last few seconds may need a moment).", { field: "evidence", reason: "EVIDENCE_NOT_FOUND" });
    }
    out.push({ kind: e.kind, reference });
  }
  return out;
}

/**
 * Whose appeal this is: the resident's own, or (GUARDIAN, with wardId) a ward bound and verified
 * in health-code (its ProxyBindingChanged events, replicated). Returns the person and the filer.
 */
export async function appellant(tx: Tx, viewer: Viewer, wardId: string | null | undefined): Promise<{ personId: string; filedBy: string | null }> {
  const subject = viewer.subject;
  if (!subject) throw fail("FORBIDDEN", "Appealing needs a person's token: this token belongs to no person.");
  if (viewer.role === "GUARDIAN") {
    if (!wardId) throw fail("BAD_USER_INPUT", "A guardian appeals for a ward: give the ward's person id (wardId).", { field: "wardId" });
    const binding = await tx.wardReplica.findUnique({ where: { guardianId_wardId: { guardianId: subject, wardId } } });
    if (!binding?.active) throw fail("FORBIDDEN", "You have no verified binding to this ward: bind the ward in the health code first (a binding made in the last few seconds may need a moment).", { reason: "NOT_YOUR_WARD" });
    return { personId: wardId, filedBy: subject };
  }
  if (wardId && wardId !== subject) throw fail("FORBIDDEN", "Only a guardian appeals for someone else, with a guardian's token.", { reason: "NOT_YOUR_WARD" });
  return { personId: subject, filedBy: null };
}
