// Trips and risk areas (seed 004, cause 1): a resident declares a trip; the CDC posts risk areas
// (district, level, window). A trip that overlaps a posted area's window within the last 14 days
// raises a TRAVEL pop-up, whichever of the two arrives first.
import { randomUUID } from "node:crypto";
import { appendEvents } from "../../../kernel/events";
import { tripDeclared } from "./tripDeclared";
import { fail } from "../../../kernel/runtime/errors";
import { prismaSql, type Sql } from "../../../kernel/db/sql";
import type { Viewer } from "../../../kernel/auth/viewer";
import type { PrismaClient } from "../generated/prisma/client";
import { text } from "../causes/input";
import { raiseFromFeed, type FeedCause } from "./raise";
import { instant, perRow, type RowResult } from "./rows";

const LEVELS = ["MEDIUM", "HIGH"];
const LOOKBACK_MS = 14 * 86_400_000;

export interface RiskAreaRow { district: string; level: string; from: string; to: string; feedRef: string }
export interface TripInput { district: string; arrivedAt: string; leftAt?: string | null }

interface Match { person_id: string; area_id: string; district: string; level: string }

function causeOf(m: Match, viewer: Viewer | null): FeedCause {
  return {
    personId: m.person_id,
    kind: "POPUP_TRAVEL",
    source: `risk-area:${m.area_id}`,
    detail: `In the last 14 days you were in ${m.district}, a ${m.level.toLowerCase()}-risk area: report to your community at once.`,
    raisedAt: new Date(),
    actorRole: viewer?.role ?? "EPIDEMIOLOGIST",
    actorId: viewer?.role === "EPIDEMIOLOGIST" ? viewer.subject : undefined,
  };
}

/** Trips overlapping the area (or areas overlapping the trip), within the last 14 days. */
async function matches(tx: Sql, where: string, params: unknown[]): Promise<Match[]> {
  return tx.query<Match>(
    `SELECT DISTINCT t.person_id, a.id::text AS area_id, a.district, a.level FROM trip t JOIN risk_area a ON a.district = t.district
      WHERE t.arrived_at <= a.to_at AND coalesce(t.left_at, now()) >= a.from_at
        AND coalesce(t.left_at, now()) >= $1::timestamptz AND ${where}`,
    [new Date(Date.now() - LOOKBACK_MS).toISOString(), ...params],
  );
}

/** The CDC's risk-area feed, row by row; returns each row's answer and whom to notify. */
export async function postRiskAreas(prisma: PrismaClient, viewer: Viewer, rows: RiskAreaRow[]): Promise<{ results: RowResult[]; raised: FeedCause[] }> {
  const raised: FeedCause[] = [];
  const results = await perRow(rows, async (row) => {
    const district = text(row.district ?? "", "district", 60);
    if (!LEVELS.includes(row.level)) throw fail("BAD_USER_INPUT", "level must be MEDIUM or HIGH.", { field: "level" });
    const from = instant(row.from, "from");
    const to = instant(row.to, "to");
    if (to <= from) throw fail("BAD_USER_INPUT", "The window ends before it starts: check from and to.", { field: "to" });
    const feedRef = text(row.feedRef ?? "", "feedRef", 120);
    return prisma.$transaction(async (ptx) => {
      const tx = prismaSql(ptx);
      await tx.query(
        `INSERT INTO risk_area (id, district, level, from_at, to_at, feed_ref) VALUES ($1::uuid, $2, $3, $4::timestamptz, $5::timestamptz, $6)
         ON CONFLICT (district, level, from_at, to_at) DO NOTHING`,
        [randomUUID(), district, row.level, from.toISOString(), to.toISOString(), feedRef],
      );
      const found = await matches(tx, `a.district = $2 AND a.level = $3 AND a.from_at = $4::timestamptz AND a.to_at = $5::timestamptz`, [district, row.level, from.toISOString(), to.toISOString()]);
      const got = await raiseFromFeed(tx, found.map((m) => causeOf(m, viewer)));
      raised.push(...got);
      return got.length;
    });
  });
  return { results, raised };
}

/** A resident declares a trip; an already-posted area it overlaps raises the pop-up at once. */
export async function declareTrip(prisma: PrismaClient, viewer: Viewer, input: TripInput): Promise<{ trip: { id: string; district: string; arrivedAt: Date; leftAt: Date | null }; raised: FeedCause[] }> {
  const district = text(input.district, "district", 60);
  const arrivedAt = instant(input.arrivedAt, "arrivedAt");
  const leftAt = input.leftAt ? instant(input.leftAt, "leftAt") : null;
  if (leftAt && leftAt < arrivedAt) throw fail("BAD_USER_INPUT", "You left before you arrived: check the dates.", { field: "leftAt" });
  if (arrivedAt.getTime() > Date.now() + 60_000) throw fail("BAD_USER_INPUT", "A trip is declared after it starts: arrivedAt is in the future.", { field: "arrivedAt" });
  const personId = viewer.subject!;
  return prisma.$transaction(async (ptx) => {
    if (!(await ptx.resident.findUnique({ where: { personId } }))) throw fail("NOT_FOUND", "You have no resident record: register with your community first.");
    const id = randomUUID();
    const trip = await ptx.trip.create({ data: { id, personId, district, arrivedAt, leftAt } });
    await appendEvents(prismaSql(ptx), [tripDeclared(trip)]);
    const found = await matches(prismaSql(ptx), `t.id = $2::uuid`, [id]);
    const raised = await raiseFromFeed(prismaSql(ptx), found.map((m) => causeOf(m, null)));
    return { trip, raised };
  });
}
