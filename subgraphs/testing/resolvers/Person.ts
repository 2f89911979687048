// Person as the testing silo knows them: their swabs and results, derived at read time so a
// recorded result shows at once (seed 004's "awaiting test" after the result was out).
import type { TestingContext } from "../context";
import { PERSON_TESTS_CAP, type SwabWithTube } from "../loaders";

type PersonRef = { id: string };

/** A person's view of one swab. */
function personTest(s: SwabWithTube) {
  return {
    swab: s,
    status: s.tube.result?.outcome ?? "PENDING",
    swabbedAt: s.swabbedAt,
    resultAt: s.tube.result?.recordedAt ?? null,
    siteId: s.tube.box.siteId,
  };
}

export const Person = {
  __resolveReference: (ref: PersonRef) => ref,
  tests: async (p: PersonRef, args: { last: number }, ctx: TestingContext) => {
    const last = Math.max(1, Math.min(args.last, PERSON_TESTS_CAP));
    return (await ctx.loaders.swabsByPerson.load(p.id)).slice(0, last).map(personTest);
  },
  latestTest: async (p: PersonRef, _: unknown, ctx: TestingContext) => {
    const [latest] = await ctx.loaders.swabsByPerson.load(p.id);
    return latest ? personTest(latest) : null;
  },
  // Needed by the health-code silo to derive a status colour (@requires), so every role that may
  // read a status may read it (permissions.ts): it says when, never what or where.
  latestNegativeResultAt: async (p: PersonRef, _: unknown, ctx: TestingContext) => {
    const swabs = await ctx.loaders.swabsByPerson.load(p.id);
    const times = swabs.filter((s) => s.tube.result?.outcome === "NEGATIVE").map((s) => s.tube.result!.recordedAt.getTime());
    return times.length > 0 ? new Date(Math.max(...times)) : null;
  },
  // Resolves only once the same records as latestNegativeResultAt were read: if testing's database
  // fails, both are null, and health-code knows not to trust the first.
  resultsChecked: async (p: PersonRef, _: unknown, ctx: TestingContext) => (await ctx.loaders.swabsByPerson.load(p.id), true),
};

export const PersonTest = {
  site: (t: { siteId: string }, _: unknown, ctx: TestingContext) => ctx.loaders.site.load(t.siteId),
};
