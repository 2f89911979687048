// Coverage of a screening campaign (seed 004: "不漏一人", leave nobody out): per community of the
// campaign's district, how many residents have a test swabbed inside the window, counted in one
// statement over health-code's residents and its test records (from testing's ResultRecorded
// events, so within the event lag). Counts only: nobody is named.
import type { PrismaClient } from "./generated/prisma/client";
import type { Viewer } from "../../kernel/auth/viewer";

export interface CampaignWindow { district: string; startsAt: string | Date; endsAt: string | Date }

/** Residents and residents tested in the window, per community of the district (a community officer: their own only). */
export async function campaignCoverage(prisma: PrismaClient, viewer: Viewer, c: CampaignWindow) {
  const only = viewer.role === "COMMUNITY_OFFICER" ? (viewer.community ?? "") : null;
  const rows = await prisma.$queryRawUnsafe<Array<{ community: string; residents: number; tested: number }>>(
    `SELECT r.community, count(*)::int AS residents,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM test_record t WHERE t.person_id = r.person_id AND t.swabbed_at >= $2::timestamptz AND t.swabbed_at < $3::timestamptz))::int AS tested
     FROM resident r
     WHERE r.district = $1 AND ($4::text IS NULL OR r.community = $4)
     GROUP BY r.community ORDER BY r.community`,
    c.district,
    new Date(c.startsAt).toISOString(),
    new Date(c.endsAt).toISOString(),
    only,
  );
  return rows.map((r) => ({ community: r.community, residents: Number(r.residents), tested: Number(r.tested), share: Number(r.residents) > 0 ? Number(r.tested) / Number(r.residents) : 0 }));
}
