// The vaccination registry's feed (seed 002: vaccines shown beside status and tests), answered
// per row; the registry's record id makes a retried row a no-op.
import { randomUUID } from "node:crypto";
import { fail } from "../../../kernel/runtime/errors";
import { personIdFor, requireDocument, type DocumentType } from "../../../kernel/identity";
import type { PrismaClient } from "../generated/prisma/client";
import { text } from "../causes/input";
import { instant, perRow, type RowResult } from "./rows";

export interface VaccinationRow { documentType?: DocumentType | null; documentNumber: string; vaccine: string; dose: number; administeredAt: string; sourceRef: string }

/** Records the feed's vaccinations row by row. */
export async function postVaccinations(prisma: PrismaClient, pepper: Uint8Array, rows: VaccinationRow[]): Promise<RowResult[]> {
  return perRow(rows, async (row) => {
    const doc = requireDocument(row.documentType ?? "CITIZEN_ID", row.documentNumber);
    const vaccine = text(row.vaccine ?? "", "vaccine", 60);
    if (!Number.isInteger(row.dose) || row.dose < 1 || row.dose > 5) throw fail("BAD_USER_INPUT", "dose must be 1 to 5.", { field: "dose" });
    const administeredAt = instant(row.administeredAt, "administeredAt");
    if (administeredAt.getTime() > Date.now() + 60_000) throw fail("BAD_USER_INPUT", "administeredAt is in the future.", { field: "administeredAt" });
    const sourceRef = text(row.sourceRef ?? "", "sourceRef", 120);
    const personId = personIdFor(doc, pepper);
    if (!(await prisma.resident.findUnique({ where: { personId }, select: { personId: true } }))) throw fail("NOT_FOUND", "No resident has this document: the row was not applied.");
    const { count } = await prisma.vaccination.createMany({ data: [{ id: randomUUID(), personId, vaccine, dose: row.dose, administeredAt, sourceRef }], skipDuplicates: true });
    return count;
  });
}
