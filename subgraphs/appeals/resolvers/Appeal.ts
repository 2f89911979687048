// A pop-up appeal (弹窗纠错): the appellant, the health-code cause appealed, evidence and decision.
import type { Appeal as AppealRow } from "../generated/prisma/client";
import type { AppealsContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";

/** Who may read an appeal: the appellant, an officer of its community, an epidemiologist or an auditor. */
export function mayReadAppeal(a: AppealRow, ctx: AppealsContext): boolean {
  const { role, subject, community } = ctx.viewer;
  if (subject !== undefined && subject === a.personId) return true;
  if (role === "EPIDEMIOLOGIST" || role === "AUDITOR") return true;
  return role === "COMMUNITY_OFFICER" && community !== undefined && community === a.community;
}

/** Returns the appeal when the viewer may read it (null stays null); FORBIDDEN otherwise. */
export function readable(a: AppealRow | null, ctx: AppealsContext): AppealRow | null {
  if (a && !mayReadAppeal(a, ctx)) throw fail("FORBIDDEN", "Only the appellant, an officer of the appeal's community, an epidemiologist or an auditor may see this appeal.");
  return a;
}

export const Appeal = {
  __resolveReference: async (ref: { id: string }, ctx: AppealsContext) => readable(await ctx.loaders.appeal.load(ref.id), ctx),
  person: (a: AppealRow) => ({ id: a.personId }),
  cause: (a: AppealRow) => ({ id: a.causeId }),
  // Each piece carries its appeal's owner and community: its reference is the appellant's free
  // text, disclosed per the same scope as the appeal's reason (scope.ts).
  evidence: async (a: AppealRow, _: unknown, ctx: AppealsContext) =>
    (await ctx.loaders.evidence.load(a.id)).map((e) => ({ ...e, personId: a.personId, community: a.community })),
};
