// The chain of custody (seed 001): a box is open at its site while tubes are scanned in, then
// sealed, handed to a courier and received by the lab; each tube goes collected → in transit →
// received → testing → resulted, or rejected. Every step is a custody_step row (who, when) in
// the same transaction as the state change. RESULTED is the result's existence, not a stored
// state: an upload inserts results without updating 10,000 tube rows (a tube's stored status
// says RESULTED only for rows written before), and every reader derives it (tubeState). Repeating a step that is already done returns the
// box unchanged (a retried scan); a step out of order is a CONFLICT naming the box's state.
import { randomUUID } from "node:crypto";
import type { PrismaClient, TransportBox, SampleTube, BoxStatus } from "./generated/prisma/client";
import type { Viewer } from "../../kernel/auth/viewer";
import { fail } from "../../kernel/runtime/errors";
import { scannedCode } from "./codes";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Who does a step: role and pseudonymous person id. */
export interface Actor { role: string; id: string | null }

export const actorOf = (viewer: Viewer): Actor => ({ role: viewer.role, id: viewer.subject ?? null });

/** Appends one custody step (a box step when `tubeId` is null). */
export async function custodyStep(tx: Pick<Tx, "custodyStep">, boxId: string, tubeId: string | null, step: string, actor: Actor, detail: string | null = null): Promise<void> {
  await tx.custodyStep.create({ data: { id: randomUUID(), boxId, tubeId, step, actorRole: actor.role, actorId: actor.id, detail } });
}

/** A tube's state: RESULTED once it has a result, else its stored custody state. */
export const tubeState = (stored: string, hasResult: boolean): string => (hasResult ? "RESULTED" : stored);

const ORDER: BoxStatus[] = ["OPEN", "SEALED", "IN_TRANSIT", "RECEIVED"];

/** The box by its scanned code, or NOT_FOUND. */
async function boxByCode(tx: Pick<Tx, "transportBox">, raw: string): Promise<TransportBox> {
  const box = await tx.transportBox.findUnique({ where: { code: scannedCode(raw, "box") } });
  if (!box) throw fail("NOT_FOUND", "No transport box has this code: scan the box label again.", { field: "boxCode", reason: "UNKNOWN_BOX" });
  return box;
}

/**
 * Moves a box from `from` to `to` under a row lock, with its tubes' new state and a custody step.
 * Already at `to` (or past it): returned unchanged. Before `from`: CONFLICT naming the state.
 */
async function moveBox(prisma: PrismaClient, raw: string, from: BoxStatus, to: BoxStatus, step: string, actor: Actor, may: (box: TransportBox, tx: Tx) => Promise<void>, tubes?: { from: string[]; to: string }, detail: string | null = null): Promise<TransportBox> {
  return prisma.$transaction(async (tx) => {
    const found = await boxByCode(tx, raw);
    await may(found, tx);
    await tx.$queryRaw`SELECT id FROM transport_box WHERE id = ${found.id} FOR UPDATE`;
    const box = (await tx.transportBox.findUnique({ where: { id: found.id } }))!;
    if (ORDER.indexOf(box.status) >= ORDER.indexOf(to)) return box;
    if (box.status !== from) throw fail("CONFLICT", `Box ${box.code} is ${box.status}; it must be ${from} first.`, { reason: `BOX_${box.status}` });
    if (tubes) await tx.sampleTube.updateMany({ where: { boxId: box.id, status: { in: tubes.from as never } }, data: { status: tubes.to as never } });
    await custodyStep(tx, box.id, null, step, actor, detail);
    return tx.transportBox.update({ where: { id: box.id }, data: { status: to } });
  });
}

const ownSite = (siteId: string) => async (box: TransportBox) => {
  if (box.siteId !== siteId) throw fail("FORBIDDEN", "This transport box belongs to another sampling site.", { reason: "OTHER_SITE" });
};

/** A sampler seals an open box of their site: no tube may be scanned into it afterwards. */
export const sealBox = (prisma: PrismaClient, siteId: string, actor: Actor, boxCode: string) =>
  moveBox(prisma, boxCode, "OPEN", "SEALED", "SEALED", actor, ownSite(siteId));

/** A sampler hands a sealed box to a courier (badge number recorded): its tubes are in transit. */
export function handBoxToCourier(prisma: PrismaClient, siteId: string, actor: Actor, boxCode: string, courierBadge: string): Promise<TransportBox> {
  const badge = courierBadge.trim();
  if (!/^[A-Za-z0-9-]{1,40}$/.test(badge)) throw fail("BAD_USER_INPUT", "The courier's badge number must be 1 to 40 letters, digits or dashes.", { field: "courierBadge" });
  return moveBox(prisma, boxCode, "SEALED", "IN_TRANSIT", "HANDED_TO_COURIER", actor, ownSite(siteId), { from: ["COLLECTED"], to: "IN_TRANSIT" }, badge.toUpperCase());
}

/** The lab of the box's agency receives it: its tubes are received and may take results. */
export function receiveBox(prisma: PrismaClient, agencyId: string, actor: Actor, boxCode: string): Promise<TransportBox> {
  // Read in the transaction: embedded mode has a single connection.
  const ownAgency = async (box: TransportBox, tx: Tx) => {
    const site = await tx.samplingSite.findUnique({ where: { id: box.siteId } });
    if (site?.agencyId !== agencyId) throw fail("FORBIDDEN", "This box was sampled for another agency: only that agency's lab may receive it.", { reason: "OTHER_AGENCY" });
  };
  return moveBox(prisma, boxCode, "IN_TRANSIT", "RECEIVED", "RECEIVED", actor, ownAgency, { from: ["IN_TRANSIT", "COLLECTED"], to: "RECEIVED" });
}

/** The lab starts testing a received tube (idempotent), or rejects it: its people need a new sample. */
export async function moveTube(prisma: PrismaClient, agencyId: string, actor: Actor, tubeCode: string, to: "TESTING" | "REJECTED", reason: string | null = null): Promise<SampleTube> {
  return prisma.$transaction(async (tx) => {
    const code = scannedCode(tubeCode, "tube");
    const [tube] = await tx.$queryRaw<Array<{ id: string; boxId: string; status: string; agencyId: string }>>`
      SELECT t.id, t.box_id AS "boxId", CASE WHEN EXISTS (SELECT 1 FROM test_result r WHERE r.tube_id = t.id) THEN 'RESULTED' ELSE t.status::text END AS status, si.agency_id AS "agencyId"
      FROM sample_tube t JOIN transport_box b ON b.id = t.box_id JOIN sampling_site si ON si.id = b.site_id
      WHERE t.code = ${code} FOR UPDATE OF t`;
    if (!tube) throw fail("NOT_FOUND", "No tube has this code: check the label.", { field: "tubeCode", reason: "UNKNOWN_TUBE" });
    if (tube.agencyId !== agencyId) throw fail("FORBIDDEN", "This tube was sampled for another agency.", { reason: "OTHER_AGENCY" });
    if (tube.status === to) return (await tx.sampleTube.findUnique({ where: { id: tube.id } }))!;
    const allowed = to === "TESTING" ? ["RECEIVED"] : ["RECEIVED", "TESTING"];
    if (!allowed.includes(tube.status)) throw fail("CONFLICT", `This tube is ${tube.status}; only a received tube ${to === "TESTING" ? "can be tested" : "without a result can be rejected"}.`, { reason: `TUBE_${tube.status}` });
    await custodyStep(tx, tube.boxId, tube.id, to, actor, reason);
    return tx.sampleTube.update({ where: { id: tube.id }, data: { status: to } });
  });
}
