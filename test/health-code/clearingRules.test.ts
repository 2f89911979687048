// The clearing rules as configuration: the shipped file validates, a faulty one is refused with
// every problem named, and each rule's evaluation and progress text (Beijing time).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CAUSE_KINDS, validateRules } from "../../subgraphs/health-code/causes/rules";
import { evaluate, type TestFact } from "../../subgraphs/health-code/causes/progress";
import { relativeTime } from "../../subgraphs/health-code/causes/when";

const shipped = () => JSON.parse(readFileSync(join(__dirname, "../../subgraphs/health-code/causes/clearing-rules.json"), "utf8"));
const H = 3_600_000;
const neg = (at: Date, pooled: boolean | null = true): TestFact => ({ outcome: "NEGATIVE", pooled, swabbedAt: at });

describe("clearing rules configuration", () => {
  test("the shipped file covers every kind and validates", () => {
    const rules = validateRules(shipped());
    expect(Object.keys(rules).sort()).toEqual([...CAUSE_KINDS].sort());
    expect(rules.POPUP_TRAVEL.rule).toEqual({ type: "NEGATIVE_TESTS", count: 2, minGapHours: 24, steps: ["COMMUNITY_REPORT", "COMMITMENT_LETTER"] });
    expect(rules.POPUP_MEDICINE.rule).toEqual({ type: "NEGATIVE_TEST_AFTER", dueWithinHours: 72 });
    expect(rules.CENTRAL_QUARANTINE.raisedBy).toEqual(["EPIDEMIOLOGIST"]);
  });

  test("a faulty configuration is refused, naming each problem", () => {
    const bad = shipped();
    delete bad.CASE;
    bad.POPUP_TRAVEL.rule.minGapHours = -1;
    bad.HOME_OBSERVATION.raisedBy = ["JANITOR"];
    bad.CENTRAL_QUARANTINE.colour = "PURPLE";
    bad.POOLED_POSITIVE.rule = { type: "WHEN_WE_FEEL_LIKE_IT" };
    bad.NEW_KIND = bad.CLOSE_CONTACT;
    let message = "";
    try {
      validateRules(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    for (const want of ["CASE: missing", "POPUP_TRAVEL: rule.minGapHours", "HOME_OBSERVATION: raisedBy", "CENTRAL_QUARANTINE: colour", "POOLED_POSITIVE: rule.type", "NEW_KIND: not a cause kind"]) expect(message).toContain(want);
    expect(() => validateRules([])).toThrow(/object keyed by cause kind/);
  });
});

describe("rule evaluation and progress text", () => {
  // 2026-01-20 10:00 in Beijing is 02:00 UTC.
  const raised = new Date("2026-01-20T02:00:00Z");
  const travel = { type: "NEGATIVE_TESTS" as const, count: 2, minGapHours: 24, steps: ["COMMUNITY_REPORT" as const, "COMMITMENT_LETTER" as const] };

  test("relative times are Beijing time", () => {
    const now = new Date("2026-01-20T02:00:00Z");
    expect(relativeTime(new Date("2026-01-20T15:59:00Z"), now)).toBe("23:59 today");
    expect(relativeTime(new Date("2026-01-20T16:00:00Z"), now)).toBe("00:00 tomorrow");
    expect(relativeTime(new Date("2026-01-22T01:40:00Z"), now)).toBe("09:40 on 22 Jan");
  });

  test("two negatives at least 24 hours apart, both after the cause, plus both steps", () => {
    const first = new Date("2026-01-20T01:40:00Z"); // 09:40 Beijing, before the cause: does not count
    expect(evaluate(travel, raised, [neg(first)], [], raised)).toMatchObject({ negativeTests: 0, satisfied: false });
    const t1 = new Date("2026-01-20T03:40:00Z"); // 11:40
    const now = new Date("2026-01-20T05:00:00Z");
    const one = evaluate(travel, raised, [neg(t1)], [], now);
    expect(one.text).toBe("1 of 2 negative tests; the next from 11:40 tomorrow; still needed: your community's report and a signed commitment letter.");
    expect(one.nextTestFrom).toEqual(new Date("2026-01-21T03:40:00Z"));
    // A second test 23 hours later does not count; one 24 hours later does.
    expect(evaluate(travel, raised, [neg(t1), neg(new Date(t1.getTime() + 23 * H))], [], now).negativeTests).toBe(1);
    const two = evaluate(travel, raised, [neg(t1), neg(new Date(t1.getTime() + 23 * H)), neg(new Date(t1.getTime() + 24 * H))], ["COMMUNITY_REPORT"], now);
    expect(two).toMatchObject({ negativeTests: 2, satisfied: false, stepsDone: ["COMMUNITY_REPORT"], stepsMissing: ["COMMITMENT_LETTER"] });
    expect(two.text).toBe("2 of 2 negative tests; still needed: a signed commitment letter.");
    const done = evaluate(travel, raised, [neg(t1), neg(new Date(t1.getTime() + 25 * H))], ["COMMITMENT_LETTER", "COMMUNITY_REPORT"], now);
    expect(done.satisfied).toBe(true);
    // A positive in between is not a negative.
    expect(evaluate(travel, raised, [{ outcome: "POSITIVE", pooled: true, swabbedAt: new Date(t1.getTime() + 30 * H) }, neg(t1)], [], now).negativeTests).toBe(1);
  });

  test("medicine: due within 72 hours, overdue after, cleared by a negative after the purchase", () => {
    const rule = { type: "NEGATIVE_TEST_AFTER" as const, dueWithinHours: 72 };
    const soon = evaluate(rule, raised, [], [], new Date(raised.getTime() + H));
    expect(soon).toMatchObject({ satisfied: false, overdue: false, dueBy: new Date(raised.getTime() + 72 * H) });
    expect(soon.text).toBe("Take a test by 10:00 on 23 Jan; a negative result clears this automatically.");
    expect(evaluate(rule, raised, [], [], new Date(raised.getTime() + 73 * H))).toMatchObject({ overdue: true });
    expect(evaluate(rule, raised, [neg(new Date(raised.getTime() - H))], [], raised).satisfied).toBe(false);
    expect(evaluate(rule, raised, [neg(new Date(raised.getTime() + 80 * H))], [], raised)).toMatchObject({ satisfied: true, overdue: false });
  });

  test("pooled positive: only a single-tube negative after it clears", () => {
    const rule = { type: "SINGLE_TUBE_NEGATIVE" as const };
    expect(evaluate(rule, raised, [neg(new Date(raised.getTime() + H), true)], [], raised).satisfied).toBe(false);
    expect(evaluate(rule, raised, [neg(new Date(raised.getTime() + H), null)], [], raised).satisfied).toBe(false);
    expect(evaluate(rule, raised, [neg(new Date(raised.getTime() + H), false)], [], raised).satisfied).toBe(true);
  });

  test("an officer's decision is never met by tests", () => {
    expect(evaluate({ type: "OFFICER_DECISION" }, raised, [neg(new Date(raised.getTime() + H), false)], [], raised).satisfied).toBe(false);
  });
});
