// Seed 001's closed loop starts here: a sampler scans the transport box, then each tube in it,
// at their own site, so every tube is tied to a box and the box to the site's address.
import type { PrismaClient, SampleTube } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";
import { scannedCode } from "./codes";

export interface ScanTubeInput {
  boxCode: string;
  tubeCode: string;
  pooled: boolean;
}

/** Finds or creates the box and the tube at the sampler's site; scanning again returns the same tube. */
export async function scanTube(prisma: PrismaClient, siteId: string, input: ScanTubeInput): Promise<SampleTube> {
  const boxCode = scannedCode(input.boxCode, "box");
  const tubeCode = scannedCode(input.tubeCode, "tube");
  return prisma.$transaction(async (tx) => {
    const box = (await tx.transportBox.findUnique({ where: { code: boxCode } })) ?? (await tx.transportBox.create({ data: { code: boxCode, siteId } }));
    if (box.siteId !== siteId) throw fail("CONFLICT", "This transport box belongs to another sampling site: use a box of your own site.");
    const tube = await tx.sampleTube.findUnique({ where: { code: tubeCode } });
    if (!tube) return tx.sampleTube.create({ data: { code: tubeCode, boxId: box.id, capacity: input.pooled ? 10 : 1 } });
    if (tube.boxId !== box.id) throw fail("CONFLICT", "This tube was already scanned into another box: use a new tube.");
    return tube;
  });
}
