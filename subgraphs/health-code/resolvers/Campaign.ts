// A testing-silo campaign as health-code sees it: its coverage per community (@requires).
import type { HealthCodeContext } from "../context";
import { campaignCoverage, type CampaignWindow } from "../campaignCoverage";

export const Campaign = {
  __resolveReference: (ref: { id: string } & CampaignWindow) => ref,
  coverage: (c: CampaignWindow, _: unknown, ctx: HealthCodeContext) => campaignCoverage(ctx.prisma, ctx.viewer, c),
};
