// Screening campaigns (seed 004: a whole-population screening must finish in 2 days for up to
// 5 million people, 3 days above): the CDC names an area (a district) and a window. Coverage per
// community (people tested / residents) is computed by health-code, which knows the residents
// and their test records (Campaign.coverage, @requires district and window).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";

export interface CampaignInput { name: string; district: string; startsAt: Date; endsAt: Date }

/** The longest campaign window: a week. */
export const MAX_CAMPAIGN_DAYS = 7;

/** Creates a campaign after checking its name, area and window. */
export function startCampaign(prisma: PrismaClient, createdBy: string | null, input: CampaignInput) {
  const name = input.name.trim();
  const district = input.district.trim();
  if (name === "" || name.length > 100) throw fail("BAD_USER_INPUT", "A campaign needs a name of 1 to 100 characters.", { field: "name" });
  if (district === "") throw fail("BAD_USER_INPUT", "A campaign needs a district.", { field: "district" });
  const span = input.endsAt.getTime() - input.startsAt.getTime();
  if (!(span > 0) || span > MAX_CAMPAIGN_DAYS * 86_400_000) throw fail("BAD_USER_INPUT", `A campaign's window ends after it starts and lasts at most ${MAX_CAMPAIGN_DAYS} days.`, { field: "endsAt" });
  return prisma.campaign.create({ data: { id: randomUUID(), name, district, startsAt: input.startsAt, endsAt: input.endsAt, createdBy } });
}
