// A screening campaign; health-code adds its coverage per community (Campaign.coverage).
import type { TestingContext } from "../context";

export const Campaign = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.prisma.campaign.findUnique({ where: { id: ref.id } }),
};
