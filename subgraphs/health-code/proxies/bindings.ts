// Proxy look-ups (seed 002). A guardian binds a ward: an adult ward passes face verification
// against the population register; a child (under 16, seed 003) is never forced through it and
// is bound by household-register evidence, even before health-code knows them. Another adult
// (他人代查) is bound when the requester passes face verification and that adult consents. A
// binding without verification is never made: refused, nothing written.
import { fail } from "../../../kernel/runtime/errors";
import { personIdFor, requireDocument, type DocumentType } from "../../../kernel/identity";
import type { Viewer } from "../../../kernel/auth/viewer";
import type { PrismaClient, ProxyBinding } from "../generated/prisma/client";
import { text } from "../causes/input";
import { isMinor } from "../residents/minor";
import { prismaSql } from "../../../kernel/db/sql";
import { appendEvents } from "../../../kernel/events";
import { bindingChanged } from "./bindingChanged";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Writes a binding and its ProxyBindingChanged event in one transaction. */
async function announced(prisma: PrismaClient, write: (tx: Tx) => Promise<ProxyBinding>): Promise<ProxyBinding> {
  return prisma.$transaction(async (tx) => {
    const b = await write(tx);
    await appendEvents(prismaSql(tx), [bindingChanged(b)]);
    return b;
  });
}
import type { FaceVerifier } from "./faceVerifier";

export interface WardInput {
  documentType: DocumentType;
  documentNumber: string;
  name: string;
  relation: string;
  faceToken?: string | null;
  householdRegisterRef?: string | null;
}

async function faceMatched(verifier: FaceVerifier, check: { documentType: string; documentNumber: string; name: string }, faceToken: string): Promise<string> {
  const result = await verifier.verify({ ...check, faceToken });
  if (!result.matched) throw fail("FORBIDDEN", "Face verification did not match the population register: try again in good light. Nothing was bound.", { reason: "FACE_NOT_MATCHED" });
  return result.reference;
}

/** Binds a ward to the signed-in guardian after the verification the ward's age requires. */
export async function bindWard(prisma: PrismaClient, viewer: Viewer, pepper: Uint8Array, verifier: FaceVerifier, input: WardInput): Promise<ProxyBinding> {
  if (!viewer.subject) throw fail("FORBIDDEN", "This token belongs to no person: binding a ward needs a guardian's own token.");
  const doc = requireDocument(input.documentType, input.documentNumber);
  const name = text(input.name, "name", 60);
  const relation = text(input.relation, "relation", 30);
  const wardId = personIdFor(doc, pepper);
  if (wardId === viewer.subject) throw fail("BAD_USER_INPUT", "You cannot bind yourself as your own ward.");
  const ward = await prisma.resident.findUnique({ where: { personId: wardId } });
  const birth = ward?.birthDate ?? (doc.birthDate ? new Date(`${doc.birthDate}T00:00:00Z`) : null);
  const minor = birth !== null && isMinor(birth);
  if (ward && ward.name !== name) throw fail("BAD_USER_INPUT", "The name does not match this document's record: check both.", { reason: "NAME_MISMATCH" });
  let method: string;
  let evidenceRef: string;
  if (input.faceToken && ward) {
    evidenceRef = await faceMatched(verifier, { documentType: doc.type, documentNumber: doc.number, name: ward.name }, input.faceToken);
    method = "FACE";
  } else if (minor && input.householdRegisterRef) {
    evidenceRef = text(input.householdRegisterRef, "householdRegisterRef", 120);
    method = "HOUSEHOLD_REGISTER";
  } else if (minor) {
    throw fail("BAD_USER_INPUT", "A child is bound by the household register (户口簿): give its reference. No face verification is needed for under-16s.", { reason: "HOUSEHOLD_REGISTER_REQUIRED" });
  } else if (!ward) {
    throw fail("NOT_FOUND", "暂不掌握被查人防疫相关健康状态情况: the health code holds no record for this adult, so they cannot be bound.", { reason: "WARD_UNKNOWN" });
  } else {
    throw fail("BAD_USER_INPUT", "An adult ward must pass face verification against the population register: give the app's face token.", { reason: "FACE_VERIFICATION_REQUIRED" });
  }
  const guardianId = viewer.subject!;
  return announced(prisma, (tx) => tx.proxyBinding.upsert({
    where: { guardianId_wardId: { guardianId, wardId } },
    create: { guardianId, wardId, relation, faceVerifiedAt: new Date(), verificationMethod: method, evidenceRef },
    update: { relation, faceVerifiedAt: new Date(), verificationMethod: method, evidenceRef, revokedAt: null },
  }));
}

/** 他人代查: the requester passes face verification and asks; the binding waits for the adult's consent. */
export async function requestLookup(prisma: PrismaClient, viewer: Viewer, pepper: Uint8Array, verifier: FaceVerifier, input: { documentType: DocumentType; documentNumber: string; faceToken: string }): Promise<ProxyBinding> {
  if (!viewer.subject) throw fail("FORBIDDEN", "This token belongs to no person: a look-up request needs your own token.");
  const doc = requireDocument(input.documentType, input.documentNumber);
  const wardId = personIdFor(doc, pepper);
  const [me, other] = await Promise.all([prisma.resident.findUnique({ where: { personId: viewer.subject! } }), prisma.resident.findUnique({ where: { personId: wardId } })]);
  if (!me) throw fail("NOT_FOUND", "You have no resident record: register with your community first.");
  if (!other) throw fail("NOT_FOUND", "暂不掌握被查人防疫相关健康状态情况: the health code holds no record for this person.", { reason: "WARD_UNKNOWN" });
  if (wardId === me.personId) throw fail("BAD_USER_INPUT", "You cannot ask to look up yourself.");
  if (isMinor(other.birthDate)) throw fail("BAD_USER_INPUT", "This is a child: a guardian binds a child with the household register (bindWard).", { reason: "WARD_IS_MINOR" });
  const existing = await prisma.proxyBinding.findUnique({ where: { guardianId_wardId: { guardianId: me.personId, wardId } } });
  if (existing && existing.faceVerifiedAt && !existing.revokedAt) return existing;
  const reference = await faceMatched(verifier, { documentType: me.documentType, documentNumber: me.documentNumber, name: me.name }, text(input.faceToken, "faceToken", 500));
  return announced(prisma, (tx) => tx.proxyBinding.upsert({
    where: { guardianId_wardId: { guardianId: me.personId, wardId } },
    create: { guardianId: me.personId, wardId, relation: "OTHER_ADULT", evidenceRef: reference, verificationMethod: "CONSENT" },
    update: { relation: "OTHER_ADULT", evidenceRef: reference, verificationMethod: "CONSENT", faceVerifiedAt: null, revokedAt: null },
  }));
}

/** The adult asked for answers: consent verifies the binding, refusal revokes it. */
export async function answerLookup(prisma: PrismaClient, viewer: Viewer, bindingId: string, consent: boolean): Promise<ProxyBinding> {
  const binding = await prisma.proxyBinding.findUnique({ where: { id: bindingId } });
  if (!binding || binding.wardId !== viewer.subject || binding.verificationMethod !== "CONSENT") throw fail("NOT_FOUND", "No look-up request for you has this id.");
  if (binding.revokedAt) throw fail("CONFLICT", "This request was already refused or revoked.", { reason: "REVOKED" });
  if (binding.faceVerifiedAt && consent) return binding;
  return announced(prisma, (tx) => tx.proxyBinding.update({ where: { id: bindingId }, data: consent ? { faceVerifiedAt: new Date() } : { revokedAt: new Date() } }));
}
