// The CDC's registry of epidemiological cases (kernel/privacy/cases.ts): opening and closing a
// case, each with its CaseRegistryChanged event in the same transaction, so the replicas in
// testing and appeals follow. Cases never reopen: a closed reference stays closed.
import type { PrismaClient, EpiCase } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";
import { prismaSql } from "../../kernel/db/sql";
import { appendEvents } from "../../kernel/events";
import { caseRegistryChanged, isCaseReference } from "../../kernel/privacy/cases";

function reference(raw: string): string {
  const ref = raw.trim().toUpperCase();
  if (!isCaseReference(ref)) throw fail("BAD_USER_INPUT", "A case reference is 2–8 letters, the year and a number, like CASE-2022-0126; it never names a person.", { field: "reference" });
  return ref;
}

/** Opens a case; opening an open case returns it, reopening a closed one is a CONFLICT. */
export async function openCase(prisma: PrismaClient, raw: string, notify: () => void): Promise<EpiCase> {
  const ref = reference(raw);
  const opened = await prisma.$transaction(async (tx) => {
    const existing = await tx.epiCase.findUnique({ where: { reference: ref } });
    if (existing?.closedAt) throw fail("CONFLICT", "This case was closed and cannot be reopened: open a new case with a new reference.", { field: "reference" });
    if (existing) return { row: existing, created: false };
    const row = await tx.epiCase.create({ data: { reference: ref } });
    await appendEvents(prismaSql(tx), [caseRegistryChanged(row)]);
    return { row, created: true };
  });
  if (opened.created) notify();
  return opened.row;
}

/** Closes a case (idempotent); an unknown reference is NOT_FOUND. */
export async function closeCase(prisma: PrismaClient, raw: string, notify: () => void): Promise<EpiCase> {
  const ref = reference(raw);
  const closed = await prisma.$transaction(async (tx) => {
    const existing = await tx.epiCase.findUnique({ where: { reference: ref } });
    if (!existing) throw fail("NOT_FOUND", "No case has this reference.", { field: "reference" });
    if (existing.closedAt) return { row: existing, changed: false };
    const row = await tx.epiCase.update({ where: { reference: ref }, data: { closedAt: new Date() } });
    await appendEvents(prismaSql(tx), [caseRegistryChanged(row)]);
    return { row, changed: true };
  });
  if (closed.changed) notify();
  return closed.row;
}
