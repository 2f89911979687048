// A cause's progress against its clearing rule, from the person's own test records and the steps
// recorded for the cause: whether it is met, whether it is overdue, and a sentence the resident
// can act on ("1 of 2 negative tests; the next from 09:40 tomorrow").
import type { ClearingRule, Step } from "./rules";
import { relativeTime } from "./when";

/** A test as the rules see it (health-code's test_record rows). */
export interface TestFact { outcome: string; pooled: boolean | null; swabbedAt: Date }

export interface Progress {
  satisfied: boolean;
  overdue: boolean;
  text: string;
  negativeTests: number;
  negativeTestsNeeded: number;
  nextTestFrom: Date | null;
  dueBy: Date | null;
  stepsDone: Step[];
  stepsMissing: Step[];
}

const HOUR = 3_600_000;
const STEP_WORDS: Record<Step, string> = { COMMUNITY_REPORT: "your community's report", COMMITMENT_LETTER: "a signed commitment letter" };

/** Negative swabs taken after `since`, oldest first. */
function negativesAfter(tests: TestFact[], since: Date): TestFact[] {
  return tests.filter((t) => t.outcome === "NEGATIVE" && t.swabbedAt > since).sort((a, b) => a.swabbedAt.getTime() - b.swabbedAt.getTime());
}

/** The longest chain of negatives each at least `gapMs` after the previous, up to `count`. */
export function spacedNegatives(negatives: TestFact[], count: number, gapMs: number): TestFact[] {
  const chain: TestFact[] = [];
  for (const t of negatives) {
    if (chain.length === count) break;
    const last = chain.at(-1);
    if (!last || t.swabbedAt.getTime() - last.swabbedAt.getTime() >= gapMs) chain.push(t);
  }
  return chain;
}

const base = { overdue: false, nextTestFrom: null, dueBy: null, stepsDone: [] as Step[], stepsMissing: [] as Step[] };

/** Evaluates `rule` for a cause raised at `raisedAt`. */
export function evaluate(rule: ClearingRule, raisedAt: Date, tests: TestFact[], steps: Step[], now: Date): Progress {
  const negatives = negativesAfter(tests, raisedAt);
  switch (rule.type) {
    case "OFFICER_DECISION":
      return { ...base, satisfied: false, text: "Waiting for the responsible officer's decision; no test clears this.", negativeTests: 0, negativeTestsNeeded: 0 };
    case "NEGATIVE_TEST_AFTER": {
      const dueBy = new Date(raisedAt.getTime() + rule.dueWithinHours * HOUR);
      if (negatives.length > 0) return { ...base, dueBy, satisfied: true, text: "A negative test after the purchase: cleared.", negativeTests: 1, negativeTestsNeeded: 1 };
      const overdue = now > dueBy;
      const text = overdue
        ? `Overdue: a test was due by ${relativeTime(dueBy, now)}. Test as soon as you can; no testing site may refuse you.`
        : `Take a test by ${relativeTime(dueBy, now)}; a negative result clears this automatically.`;
      return { ...base, dueBy, overdue, satisfied: false, text, negativeTests: 0, negativeTestsNeeded: 1 };
    }
    case "SINGLE_TUBE_NEGATIVE": {
      const single = negatives.filter((t) => t.pooled === false);
      return single.length > 0
        ? { ...base, satisfied: true, text: "A negative single-tube retest: cleared.", negativeTests: 1, negativeTestsNeeded: 1 }
        : { ...base, satisfied: false, text: "Take a single-tube retest now; a negative result clears this automatically.", negativeTests: 0, negativeTestsNeeded: 1 };
    }
    case "NEGATIVE_TESTS": {
      const gap = rule.minGapHours * HOUR;
      const chain = spacedNegatives(negatives, rule.count, gap);
      const stepsDone = rule.steps.filter((s) => steps.includes(s));
      const stepsMissing = rule.steps.filter((s) => !steps.includes(s));
      const testsMet = chain.length >= rule.count;
      const last = chain.at(-1);
      const nextTestFrom = testsMet ? null : last ? new Date(last.swabbedAt.getTime() + gap) : now;
      const parts = [`${chain.length} of ${rule.count} negative tests`];
      if (!testsMet) parts[0] += last && nextTestFrom! > now ? `; the next from ${relativeTime(nextTestFrom!, now)}` : "; the next one any time now";
      if (stepsMissing.length > 0) parts.push(`still needed: ${stepsMissing.map((s) => STEP_WORDS[s]).join(" and ")}`);
      const satisfied = testsMet && stepsMissing.length === 0;
      if (satisfied) parts.push("all done: your community can clear it now");
      return { ...base, satisfied, text: parts.join("; ") + ".", negativeTests: chain.length, negativeTestsNeeded: rule.count, nextTestFrom, stepsDone, stepsMissing };
    }
  }
}
