// Registration is a look-up: an ID number answers with a masked name and phone. So it is admitted
// only inside an open sampling session that the sampler opened at their own site, at most
// LOOKUPS_PER_MINUTE per sampler, and every attempt (admitted or not) is written to the
// append-only `sample_lookup` log, which auditors read.
import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import type { PrismaClient, SamplingSession } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";

/** The most look-ups one sampler makes in a minute (a busy desk registers a person every ~10 s). */
export const LOOKUPS_PER_MINUTE = 30;
/** The longest a sampling session stays open. */
export const SESSION_MAX_HOURS = 12;

export type LookupOutcome = "ADMITTED" | "NO_SESSION" | "RATE_LIMITED";

/** The sampler's session at their site that is still open now, if any. */
async function openSessionOf(prisma: Pick<PrismaClient, "samplingSession">, siteId: string, samplerId: string): Promise<SamplingSession | null> {
  return prisma.samplingSession.findFirst({ where: { siteId, samplerId, closedAt: null, closesAt: { gt: new Date() } }, orderBy: { openedAt: "desc" } });
}

/** Opens a session at the sampler's own site for `hours` (1..12); opening while one is open returns it. */
export async function openSamplingSession(prisma: PrismaClient, siteId: string, samplerId: string | undefined, hours: number): Promise<SamplingSession> {
  if (!samplerId) throw fail("FORBIDDEN", "A sampling session needs a sampler's personal token.");
  if (!Number.isInteger(hours) || hours < 1 || hours > SESSION_MAX_HOURS) throw fail("BAD_USER_INPUT", `A session lasts 1 to ${SESSION_MAX_HOURS} hours.`, { field: "hours" });
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`session:${samplerId}`}::text))`;
    const open = await openSessionOf(tx, siteId, samplerId);
    if (open) return open;
    return tx.samplingSession.create({ data: { id: randomUUID(), siteId, samplerId, closesAt: new Date(Date.now() + hours * 3600_000) } });
  });
}

/** Closes the sampler's open session at their site; closing again returns the last one unchanged. */
export async function closeSamplingSession(prisma: PrismaClient, siteId: string, samplerId: string | undefined): Promise<SamplingSession> {
  if (!samplerId) throw fail("FORBIDDEN", "A sampling session needs a sampler's personal token.");
  const open = await openSessionOf(prisma, siteId, samplerId);
  if (open) return prisma.samplingSession.update({ where: { id: open.id }, data: { closedAt: new Date() } });
  const last = await prisma.samplingSession.findFirst({ where: { siteId, samplerId }, orderBy: { openedAt: "desc" } });
  if (!last) throw fail("NOT_FOUND", "You have no sampling session at this site.");
  return last;
}

/**
 * Admits one registration look-up, or refuses it (FORBIDDEN without an open session,
 * RATE_LIMITED over the limit). The attempt is logged either way, in its own transaction, so a
 * refused or failed registration still leaves its trace and counts toward the limit.
 */
export async function admitLookup(prisma: PrismaClient, siteId: string, samplerId: string | undefined, personId: string): Promise<void> {
  if (!samplerId) throw fail("FORBIDDEN", "Registering people needs a sampler's personal token.");
  const outcome = await prisma.$transaction(async (tx): Promise<LookupOutcome> => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`lookup:${samplerId}`}::text))`;
    const session = await openSessionOf(tx, siteId, samplerId);
    const recent = await tx.sampleLookup.count({ where: { samplerId, at: { gt: new Date(Date.now() - 60_000) } } });
    const result: LookupOutcome = !session ? "NO_SESSION" : recent >= LOOKUPS_PER_MINUTE ? "RATE_LIMITED" : "ADMITTED";
    await tx.sampleLookup.create({ data: { id: randomUUID(), samplerId, siteId, sessionId: session?.id ?? null, personId, outcome: result } });
    return result;
  });
  if (outcome === "NO_SESSION") throw fail("FORBIDDEN", "Open a sampling session at your site first (openSamplingSession): registration answers only inside one.", { reason: "NO_SAMPLING_SESSION" });
  if (outcome === "RATE_LIMITED") {
    throw new GraphQLError(`You have registered ${LOOKUPS_PER_MINUTE} people in the last minute, the most allowed: wait a moment and try again.`, { extensions: { code: "RATE_LIMITED", retryAfterSeconds: 60 } });
  }
}
