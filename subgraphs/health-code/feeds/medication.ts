// Pharmacies' and clinics' feed (seed 004, cause 3): a purchase of fever, cough, antibiotic or
// sore-throat medicine, or a clinic visit with one of the listed symptoms, raises a MEDICATION
// pop-up dated at the purchase (its rule counts tests after it and flags it overdue after 72
// hours). Anything else (asthma, toothache: seed 004's wrong pop-ups) is refused for that row.
import { fail } from "../../../kernel/runtime/errors";
import { prismaSql } from "../../../kernel/db/sql";
import { personIdFor, requireDocument, type DocumentType } from "../../../kernel/identity";
import type { Viewer } from "../../../kernel/auth/viewer";
import type { PrismaClient } from "../generated/prisma/client";
import { text } from "../causes/input";
import { raiseFromFeed, type FeedCause } from "./raise";
import { instant, perRow, type RowResult } from "./rows";

/** The four medicine kinds (seed 004). */
export const MEDICINES = ["FEVER", "COUGH", "ANTIBIOTIC", "SORE_THROAT"] as const;
/** The clinic symptoms that raise the pop-up (the city's list of eleven). */
export const SYMPTOMS = ["FEVER", "DRY_COUGH", "FATIGUE", "SORE_THROAT", "LOSS_OF_SMELL_OR_TASTE", "NASAL_CONGESTION", "RUNNY_NOSE", "CONJUNCTIVITIS", "MYALGIA", "DIARRHOEA", "SHORTNESS_OF_BREATH"] as const;
const WINDOW_MS = 14 * 86_400_000;

export interface MedicationRow {
  documentType?: DocumentType | null;
  documentNumber: string;
  source: "PHARMACY" | "CLINIC";
  /** A medicine kind (PHARMACY) or a symptom (CLINIC). */
  category: string;
  occurredAt: string;
  sourceRef: string;
}

/** Applies the feed row by row; returns each row's answer and whom to notify. */
export async function postMedicationFeed(prisma: PrismaClient, viewer: Viewer, pepper: Uint8Array, rows: MedicationRow[]): Promise<{ results: RowResult[]; raised: FeedCause[] }> {
  const raised: FeedCause[] = [];
  const results = await perRow(rows, async (row) => {
    const doc = requireDocument(row.documentType ?? "CITIZEN_ID", row.documentNumber);
    const allowed: readonly string[] = row.source === "CLINIC" ? SYMPTOMS : MEDICINES;
    if (!allowed.includes(row.category)) {
      throw fail("BAD_USER_INPUT", `${row.category} does not raise a pop-up for a ${row.source === "CLINIC" ? "clinic visit" : "purchase"}: only ${allowed.join(", ")}.`, { field: "category" });
    }
    const at = instant(row.occurredAt, "occurredAt");
    if (at.getTime() > Date.now() + 60_000 || at.getTime() < Date.now() - WINDOW_MS) throw fail("BAD_USER_INPUT", "occurredAt must be within the last 14 days.", { field: "occurredAt" });
    const sourceRef = text(row.sourceRef ?? "", "sourceRef", 120);
    const personId = personIdFor(doc, pepper);
    return prisma.$transaction(async (ptx) => {
      if (!(await ptx.resident.findUnique({ where: { personId }, select: { personId: true } }))) throw fail("NOT_FOUND", "No resident has this document: the row was not applied.");
      const what = row.source === "CLINIC" ? "visited a clinic with a listed symptom" : "bought fever, cough, antibiotic or sore-throat medicine";
      const got = await raiseFromFeed(prismaSql(ptx), [
        { personId, kind: "POPUP_MEDICINE", source: `medication:${row.source}:${sourceRef}`, detail: `You ${what}: take a test within 72 hours.`, raisedAt: at, actorRole: viewer.role, actorId: viewer.subject },
      ]);
      raised.push(...got);
      return got.length;
    });
  });
  return { results, raised };
}
