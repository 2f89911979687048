// Seed 001's closed loop starts here: a sampler scans the transport box, then each tube in it,
// at their own site, so every tube is tied to a box and the box to the site's address. A box
// takes tubes only while it is open: a sealed box is never reopened.
import type { PrismaClient, SampleTube } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";
import { scannedCode } from "./codes";
import { custodyStep, type Actor } from "./custody";

export interface ScanTubeInput {
  boxCode: string;
  tubeCode: string;
  pooled: boolean;
  poolSize?: number | null;
}

/** The pool sizes a tube may have: single, 5-in-1 and 10-in-1. */
export const POOL_SIZES = [1, 5, 10] as const;

function capacityOf(input: ScanTubeInput): number {
  if (input.poolSize === undefined || input.poolSize === null) return input.pooled ? 10 : 1;
  if (!(POOL_SIZES as readonly number[]).includes(input.poolSize)) throw fail("BAD_USER_INPUT", "A tube's pool size is 1, 5 or 10.", { field: "poolSize" });
  return input.poolSize;
}

/** Finds or creates the box and the tube at the sampler's site; scanning again returns the same tube. */
export async function scanTube(prisma: PrismaClient, siteId: string, actor: Actor, input: ScanTubeInput): Promise<SampleTube> {
  const boxCode = scannedCode(input.boxCode, "box");
  const tubeCode = scannedCode(input.tubeCode, "tube");
  const capacity = capacityOf(input);
  return prisma.$transaction(async (tx) => {
    let box = await tx.transportBox.findUnique({ where: { code: boxCode } });
    if (!box) {
      box = await tx.transportBox.create({ data: { code: boxCode, siteId } });
      await custodyStep(tx, box.id, null, "BOX_SCANNED", actor);
    }
    if (box.siteId !== siteId) throw fail("CONFLICT", "This transport box belongs to another sampling site: use a box of your own site.", { reason: "OTHER_SITE" });
    const tube = await tx.sampleTube.findUnique({ where: { code: tubeCode } });
    if (tube && tube.boxId !== box.id) throw fail("CONFLICT", "This tube was already scanned into another box: use a new tube.", { reason: "OTHER_BOX" });
    if (tube) return tube;
    if (box.status !== "OPEN") throw fail("CONFLICT", `Box ${box.code} is ${box.status}: a sealed box is never reopened, scan the tube into a new box.`, { reason: "BOX_SEALED" });
    const created = await tx.sampleTube.create({ data: { code: tubeCode, boxId: box.id, capacity } });
    await custodyStep(tx, box.id, created.id, "TUBE_SCANNED", actor);
    return created;
  });
}
