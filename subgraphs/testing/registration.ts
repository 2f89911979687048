// A sampler registers a person into a tube by identity document. The number is validated before
// anything is written (seed 000: a misread number silently lost a resident's result), and the
// answer carries the masked identity so the sampler can confirm the right person by eye.
import type { PrismaClient, Swab } from "./generated/prisma/client";
import { checkMobilePhone, maskIdNumber, personIdFor, requireDocument, type DocumentType } from "../../kernel/identity";
import { fail } from "../../kernel/runtime/errors";
import { scannedCode } from "./codes";
import { admitLookup } from "./sessions";

export interface RegisterSampleInput {
  tubeCode: string;
  documentType: DocumentType;
  documentNumber: string;
  phone?: string | null;
}

function validPhone(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === "") return null;
  const checked = checkMobilePhone(raw);
  if (!checked.ok) throw fail("BAD_USER_INPUT", checked.message, { reason: checked.reason, field: "phone" });
  return checked.phone;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/** Registers the person into the tube (an admitted look-up, sessions.ts); a retry of the same registration returns the same swab. */
export async function registerSample(prisma: PrismaClient, pepper: Uint8Array, siteId: string, samplerId: string | undefined, input: RegisterSampleInput): Promise<Swab> {
  const doc = requireDocument(input.documentType, input.documentNumber);
  const phone = validPhone(input.phone);
  const tubeCode = scannedCode(input.tubeCode, "tube");
  const personId = personIdFor(doc, pepper);
  // The look-up itself: only in an open session at this site, rate-limited, always logged.
  await admitLookup(prisma, siteId, samplerId, personId);
  const attempt = () =>
    prisma.$transaction(async (tx) => {
      const tube = await tx.sampleTube.findUnique({ where: { code: tubeCode }, include: { box: true, result: true } });
      if (!tube) throw fail("NOT_FOUND", "No tube has this code: scan the tube into a box first.", { field: "tubeCode" });
      if (tube.box.siteId !== siteId) throw fail("FORBIDDEN", "This tube belongs to another sampling site.");
      // Lock the tube so two samplers filling it at once cannot exceed its capacity.
      await tx.$queryRaw`SELECT id FROM sample_tube WHERE id = ${tube.id} FOR UPDATE`;
      const existing = await tx.swab.findUnique({ where: { tubeId_personId: { tubeId: tube.id, personId } } });
      if (existing) return existing;
      if (tube.result) throw fail("CONFLICT", "This tube already has a result: use a new tube.");
      const count = await tx.swab.count({ where: { tubeId: tube.id } });
      if (count >= tube.capacity) throw fail("CONFLICT", `This tube is full (${count} of ${tube.capacity}): use a new tube.`);
      return tx.swab.create({ data: { tubeId: tube.id, personId, documentType: doc.type, documentMasked: maskIdNumber(doc.number), phone, samplerId } });
    });
  try {
    return await attempt();
  } catch (err) {
    // Two identical registrations racing: the loser finds the winner's swab on a second try.
    if (isUniqueViolation(err)) return attempt();
    throw err;
  }
}
