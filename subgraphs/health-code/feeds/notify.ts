// After a feed or declaration commits: one pop-up notice per person with a new cause, by phone.
// A failed notice is logged by count only; the cause stands and the app shows it anyway.
import type { PrismaClient } from "../generated/prisma/client";
import type { FeedCause } from "./raise";
import type { Notifier } from "./notifier";
import { rules } from "../causes/rules";

/** Sends the notices; returns how many were sent. */
export async function notifyRaised(prisma: PrismaClient, notifier: Notifier, raised: FeedCause[]): Promise<number> {
  if (raised.length === 0) return 0;
  const residents = await prisma.resident.findMany({ where: { personId: { in: raised.map((c) => c.personId) } }, select: { personId: true, phone: true } });
  const phones = new Map(residents.map((r) => [r.personId, r.phone]));
  let sent = 0;
  let failed = 0;
  for (const c of raised) {
    const phone = phones.get(c.personId);
    if (!phone) continue;
    try {
      await notifier.notify({ phone, text: `【健康宝】Your health code shows a pop-up (弹窗). ${rules()[c.kind].howToClear}` });
      sent++;
    } catch {
      failed++;
    }
  }
  if (failed > 0) console.warn(`health-code: ${failed} pop-up notice(s) could not be sent through ${notifier.name}`);
  return sent;
}
