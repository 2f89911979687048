// Seed 003: full check-in information is kept only for epidemic tracing. A deleted register
// leaves its registrar's view at once, but its check-ins stay for the retention period so CDC can
// still trace through them; after it, this job removes the register and its check-ins, and
// nothing else (other registers, their check-ins, venues and registrars stay).
import type { PrismaClient } from "./generated/prisma/client";

export interface PurgeResult { registers: number; checkIns: number }

/** Purges registers deleted more than `retentionDays` before `now`, with their check-ins, in one transaction. */
export async function purgeExpired(prisma: PrismaClient, retentionDays: number, now = new Date()): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  return prisma.$transaction(async (tx) => {
    const expired = (await tx.register.findMany({ where: { status: "DELETED", deletedAt: { lt: cutoff } }, select: { id: true } })).map((r) => r.id);
    if (expired.length === 0) return { registers: 0, checkIns: 0 };
    const checkIns = await tx.checkIn.deleteMany({ where: { registerId: { in: expired } } });
    const registers = await tx.register.deleteMany({ where: { id: { in: expired }, status: "DELETED" } });
    return { registers: registers.count, checkIns: checkIns.count };
  }, PURGE_TX);
}

/** A background job may wait for a connection longer than a request would (Prisma's default is 2 s). */
const PURGE_TX = { maxWait: 15_000, timeout: 120_000 };

/** Forgets scanned testing codes an hour after they expired (a replay of one is refused as expired by then). */
export async function purgeSpentTestingCodes(prisma: PrismaClient, now = new Date()): Promise<number> {
  return (await prisma.testingCodeUse.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 3_600_000) } } })).count;
}

/** Runs the purge every `intervalMinutes` (0: never); returns the stop function. Failures wait for the next run. */
export function schedulePurge(prisma: PrismaClient, retentionDays: number, intervalMinutes: number, onError: (err: unknown) => void): () => void {
  if (intervalMinutes <= 0) return () => undefined;
  const timer = setInterval(() => void purgeExpired(prisma, retentionDays).then(() => purgeSpentTestingCodes(prisma)).catch(onError), intervalMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
