// Seed 003: only a registrar whose own status is "no abnormality" may open a register, and an
// abnormal registrar's registers stop working. Venues keeps its own replica of who is abnormal
// (person_status, fed by health-code's StatusChanged); both sides take the same per-person lock,
// so a register cannot be created between a suspension and the check that should refuse it.
import type { Sql } from "../../kernel/db/sql";
import { fail } from "../../kernel/runtime/errors";
import type { PrismaClient } from "./generated/prisma/client";

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Why the event consumer suspended a register; only such suspensions are lifted when the registrar is green again. */
export const SUSPENDED_ABNORMAL = "registrar's health code is abnormal";

/** The advisory lock key of one registrar's status. */
export const statusLockKey = (personId: string): string => `registrar-status:${personId}`;

/** Takes the registrar's status lock in a raw-SQL transaction (the event consumer's). */
export async function lockRegistrarStatus(tx: Sql, personId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext($1::text))", [statusLockKey(personId)]);
}

/** Inside a Prisma transaction: takes the registrar's status lock and refuses an abnormal registrar. */
export async function assertRegistrarGreen(tx: Tx, personId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${statusLockKey(personId)}::text))`;
  const status = await tx.personStatus.findUnique({ where: { personId } });
  if (status?.abnormal) {
    throw fail("FORBIDDEN", "Your health code is not green (未见异常), so you may not open a register. Once your status is green again, you can.", { reason: "REGISTRAR_STATUS_ABNORMAL" });
  }
}
