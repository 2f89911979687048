// Person as the testing silo knows them: their swabs and results, derived at read time so a
// recorded result shows at once (seed 004's "awaiting test" after the result was out).
import type { TestingContext } from "../context";
import type { PersonSwab } from "../personTests";
import { negativeValidity, windowOf } from "../validity";
import { recordRead } from "../../../kernel/privacy/readAudit";

type PersonRef = { id: string };

/** A person's view of one swab. */
function personTest(s: PersonSwab) {
  return { swab: s, status: s.outcome ?? "PENDING", swabbedAt: s.swabbedAt, resultAt: s.recordedAt, siteId: s.siteId };
}

export const Person = {
  __resolveReference: (ref: PersonRef) => ref,
  // Another person's tests are health data: every read is audited (reached only where permitted).
  tests: async (p: PersonRef, args: { last: number }, ctx: TestingContext) => {
    await recordRead(ctx, [p.id], "Person.tests");
    return (await ctx.loaders.personTests(args.last).load(p.id)).swabs.map(personTest);
  },
  // latestTest and latestNegativeResultAt share one loader (last 1), so the resident query's
  // testing fetch is one statement.
  latestTest: async (p: PersonRef, _: unknown, ctx: TestingContext) => {
    await recordRead(ctx, [p.id], "Person.latestTest");
    const [latest] = (await ctx.loaders.personTests(1).load(p.id)).swabs;
    return latest ? personTest(latest) : null;
  },
  // Derived from the same read as latestNegativeResultAt, so it is right the moment a result is recorded.
  negativeTest: async (p: PersonRef, args: { windowHours?: number | null }, ctx: TestingContext) => {
    await recordRead(ctx, [p.id], "Person.negativeTest");
    return negativeValidity((await ctx.loaders.personTests(1).load(p.id)).latestNegativeAt, windowOf(args.windowHours, ctx.negativeWindowHours), new Date());
  },
  // Needed by the health-code silo to derive a status colour (@requires), so every role that may
  // read a status may read it (permissions.ts): it says when, never what or where.
  latestNegativeResultAt: async (p: PersonRef, _: unknown, ctx: TestingContext) => (await ctx.loaders.personTests(1).load(p.id)).latestNegativeAt,
  // Resolves only once the same records as latestNegativeResultAt were read: if testing's database
  // fails, both are null, and health-code knows not to trust the first.
  resultsChecked: async (p: PersonRef, _: unknown, ctx: TestingContext) => (await ctx.loaders.personTests(1).load(p.id), true),
};

export const PersonTest = {
  site: (t: { siteId: string }, _: unknown, ctx: TestingContext) => ctx.loaders.site.load(t.siteId),
};
