// Residents per status colour for auditors and epidemiologists, counted in the database (one
// statement, no rows shipped out). Colours follow status.ts: RED over YELLOW over POPUP over GREEN.
import type { PrismaClient } from "./generated/prisma/client";
import type { Colour } from "./status";
import { CAUSE_KINDS, colourOf } from "./causes/rules";

const ORDER: Colour[] = ["RED", "YELLOW", "POPUP", "GREEN"];

/**
 * Counts residents by colour from health-code's own open causes. A medicine pop-up that a newer
 * negative result clears is cleared in this table by the ResultRecorded event, so counts follow
 * results within the event lag; a person's own status page derives it at read time instead.
 */
export async function countStatuses(prisma: PrismaClient, district: string | null): Promise<Array<{ colour: Colour; residents: number }>> {
  const rows = await prisma.$queryRawUnsafe<Array<{ colour: Colour; residents: number }>>(
    `SELECT colour, count(*)::int AS residents FROM (
       SELECT CASE
         WHEN bool_or(jsonb_exists($2::jsonb, c.kind::text)) THEN 'RED'
         WHEN bool_or(jsonb_exists($3::jsonb, c.kind::text)) THEN 'YELLOW'
         WHEN count(c.id) > 0 THEN 'POPUP'
         ELSE 'GREEN' END AS colour
       FROM resident r LEFT JOIN status_cause c ON c.person_id = r.person_id AND c.cleared_at IS NULL
       WHERE $1::text IS NULL OR r.district = $1
       GROUP BY r.person_id) s
     GROUP BY colour`,
    district,
    // Each kind's colour is configuration (causes/clearing-rules.json), so the SQL is given the lists.
    JSON.stringify(CAUSE_KINDS.filter((k) => colourOf(k) === "RED")),
    JSON.stringify(CAUSE_KINDS.filter((k) => colourOf(k) === "YELLOW")),
  );
  const counts = new Map(rows.map((r) => [r.colour, Number(r.residents)]));
  return ORDER.map((colour) => ({ colour, residents: counts.get(colour) ?? 0 }));
}
