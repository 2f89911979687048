// A sampler registers a person into a tube, by testing code (核酸码, verified offline with the
// health-code silo's public key: signature, expiry, one use) or by identity document. A number is
// validated before anything is written (seed 000: a misread number silently lost a resident's
// result), an ID-card registration needs the person's phone (seed 001: the app has none for
// them), and the answer carries the masked identity so the sampler can confirm the right person.
// Registration never depends on the person's status colour (seed 004: no site may refuse a
// pop-up resident): this silo does not even know it.
import type { PrismaClient, Swab } from "./generated/prisma/client";
import { checkMobilePhone, maskIdNumber, personIdFor, requireDocument, type DocumentType } from "../../kernel/identity";
import { fail } from "../../kernel/runtime/errors";
import { scannedCode } from "./codes";
import { admitLookup } from "./sessions";
import { recordCodeUse, verifyScannedCode, type CodeVerifier } from "./testingCodes";
import { keepScannedNumber, type ScannedNumbers } from "./registrationOrphans";

export interface RegisterSampleInput {
  tubeCode: string;
  documentType: DocumentType;
  documentNumber: string;
  phone?: string | null;
}

export interface RegisterByCodeInput {
  tubeCode: string;
  testingCode: string;
}

/** A registration's answer: the swab, and whether it already existed (the same person scanned into the same tube again). */
export type Registered = Swab & { repeat: boolean };

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** What the new swab records about the person. */
interface Person { personId: string; documentType: string; documentMasked: string; phone: string | null; method: "DOCUMENT" | "TESTING_CODE" }

function validPhone(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === "") return null;
  const checked = checkMobilePhone(raw);
  if (!checked.ok) throw fail("BAD_USER_INPUT", checked.message, { reason: checked.reason, field: "phone" });
  return checked.phone;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/**
 * Adds the person to the tube under a row lock: the existing swab when they are already in it
 * (repeat), else CONFLICT for a closed box, a resulted or full tube. `beforeCreate` runs in the
 * same transaction just before the new swab is written (a testing code's one use).
 */
async function intoTube(prisma: PrismaClient, siteId: string, samplerId: string | undefined, tubeCode: string, person: Person, beforeCreate?: (tx: Tx, swabId: string) => Promise<void>): Promise<Registered> {
  const attempt = () =>
    prisma.$transaction(async (tx) => {
      const tube = await tx.sampleTube.findUnique({ where: { code: tubeCode }, include: { box: true, result: true } });
      if (!tube) throw fail("NOT_FOUND", "No tube has this code: scan the tube into a box first.", { field: "tubeCode", reason: "UNKNOWN_TUBE" });
      if (tube.box.siteId !== siteId) throw fail("FORBIDDEN", "This tube belongs to another sampling site.", { reason: "OTHER_SITE" });
      // Lock the tube so two samplers filling it at once cannot exceed its capacity.
      await tx.$queryRaw`SELECT id FROM sample_tube WHERE id = ${tube.id} FOR UPDATE`;
      const existing = await tx.swab.findUnique({ where: { tubeId_personId: { tubeId: tube.id, personId: person.personId } } });
      if (existing) return { ...existing, repeat: true };
      if (tube.result) throw fail("CONFLICT", "This tube already has a result: use a new tube.", { reason: "TUBE_RESULTED" });
      if (tube.box.status !== "OPEN") throw fail("CONFLICT", `Box ${tube.box.code} is ${tube.box.status}: its tubes take no more people, use a tube in an open box.`, { reason: "BOX_SEALED" });
      const count = await tx.swab.count({ where: { tubeId: tube.id } });
      if (count >= tube.capacity) throw fail("CONFLICT", `This tube is full (${count} of ${tube.capacity}): use a new tube.`, { reason: "TUBE_FULL" });
      if (person.method === "DOCUMENT" && person.documentType === "CITIZEN_ID" && !person.phone) {
        throw fail("BAD_USER_INPUT", "Registering by ID card needs the person's mobile phone number (the health-code app has none for them): ask for it and enter it.", { reason: "PHONE_REQUIRED", field: "phone" });
      }
      const swab = await tx.swab.create({ data: { tubeId: tube.id, personId: person.personId, documentType: person.documentType, documentMasked: person.documentMasked, phone: person.phone, samplerId, method: person.method } });
      if (beforeCreate) await beforeCreate(tx, swab.id);
      return { ...swab, repeat: false };
    });
  try {
    return await attempt();
  } catch (err) {
    // Two identical registrations racing: the loser finds the winner's swab on a second try.
    if (isUniqueViolation(err)) return attempt();
    throw err;
  }
}

/**
 * Registers the person into the tube by document (an admitted look-up, sessions.ts); a retry
 * returns the same swab marked as a repeat. The scanned number is kept encrypted for the retention
 * window (registrationOrphans.ts), so a number health-code does not know can still be matched.
 */
export async function registerSample(prisma: PrismaClient, pepper: Uint8Array, siteId: string, samplerId: string | undefined, input: RegisterSampleInput, numbers?: ScannedNumbers): Promise<Registered> {
  const doc = requireDocument(input.documentType, input.documentNumber);
  const phone = validPhone(input.phone);
  const tubeCode = scannedCode(input.tubeCode, "tube");
  const personId = personIdFor(doc, pepper);
  // The look-up itself: only in an open session at this site, rate-limited, always logged.
  await admitLookup(prisma, siteId, samplerId, personId);
  const keep = numbers ? (tx: Tx, swabId: string) => keepScannedNumber(tx, numbers, swabId, doc.type, doc.number) : undefined;
  return intoTube(prisma, siteId, samplerId, tubeCode, { personId, documentType: doc.type, documentMasked: maskIdNumber(doc.number), phone, method: "DOCUMENT" }, keep);
}

/** Registers the person a testing code names: verified offline, used once (a repeat scan into the same tube returns the same swab). */
export async function registerByTestingCode(prisma: PrismaClient, verifier: CodeVerifier, siteId: string, samplerId: string | undefined, input: RegisterByCodeInput): Promise<Registered> {
  const tubeCode = scannedCode(input.tubeCode, "tube");
  const code = await verifyScannedCode(verifier, input.testingCode);
  await admitLookup(prisma, siteId, samplerId, code.personId);
  // The code carries no document: the swab keeps only the pseudonym; name and phone are health-code's.
  const person: Person = { personId: code.personId, documentType: "TESTING_CODE", documentMasked: "", phone: null, method: "TESTING_CODE" };
  return intoTube(prisma, siteId, samplerId, tubeCode, person, (tx, swabId) => recordCodeUse(tx, code, swabId));
}
