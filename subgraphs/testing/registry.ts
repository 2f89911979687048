// The registry's questions a resident or a planner asks: which sites in my district are open
// around the clock or offer pooled testing, and how loaded is an agency today.
import type { Agency, PrismaClient } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";

export interface SiteSearch { district: string; open24h?: boolean | null; pooled?: boolean | null; first: number }

/** Sites of a district, filtered, by name. */
export function searchSites(prisma: PrismaClient, args: SiteSearch) {
  const district = args.district.trim();
  if (district === "") throw fail("BAD_USER_INPUT", "Name a district to search its sampling sites.", { field: "district" });
  const flags = { ...(typeof args.open24h === "boolean" ? { open24h: args.open24h } : {}), ...(typeof args.pooled === "boolean" ? { pooled: args.pooled } : {}) };
  return prisma.samplingSite.findMany({ where: { district, ...flags }, orderBy: [{ name: "asc" }, { id: "asc" }], take: Math.min(200, Math.max(1, Math.trunc(args.first))) });
}

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The Beijing calendar day containing `now`, as its UTC bounds and its date. */
export function beijingDay(now: Date): { from: Date; to: Date; day: string } {
  const local = Math.floor((now.getTime() + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS;
  return { from: new Date(local - BEIJING_OFFSET_MS), to: new Date(local - BEIJING_OFFSET_MS + DAY_MS), day: new Date(local).toISOString().slice(0, 10) };
}

/**
 * People swabbed at the agency's sites and results it recorded today, against its capacity (two
 * counts in one statement). The swabs are counted per site from the (site_id, swabbed_at) index,
 * so the count follows the day's swabs and not the agency's whole tube history.
 */
export async function agencyLoad(prisma: PrismaClient, agency: Agency, now: Date) {
  const { from, to, day } = beijingDay(now);
  const [row] = await prisma.$queryRaw<Array<{ swabs: number; results: number }>>`
    SELECT (SELECT count(*)::int FROM sampling_site si JOIN swab s ON s.site_id = si.id
             WHERE si.agency_id = ${agency.id} AND s.swabbed_at >= ${from} AND s.swabbed_at < ${to}) AS swabs,
           (SELECT count(*)::int FROM test_result r WHERE r.agency_id = ${agency.id} AND r.recorded_at >= ${from} AND r.recorded_at < ${to}) AS results`;
  const swabs = Number(row!.swabs);
  return { day, swabs, results: Number(row!.results), dailyCapacity: agency.dailyCapacity, utilisation: agency.dailyCapacity > 0 ? swabs / agency.dailyCapacity : null };
}
