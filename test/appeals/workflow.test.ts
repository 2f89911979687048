// The appeal state machine and the SLA as pure functions: every action from every state is either
// the table's transition or CONFLICT, and the officer's queue puts overdue appeals first.
import type { GraphQLError } from "graphql";
import { next, OPEN, TRANSITIONS } from "../../subgraphs/appeals/workflow";
import { byUrgency, dueAt, isOverdue } from "../../subgraphs/appeals/sla";

const STATES = ["SUBMITTED", "UNDER_REVIEW", "EVIDENCE_REQUESTED", "APPROVED", "REJECTED", "AUTO_RESOLVED"] as const;
const HOUR = 3_600_000;

describe("the appeal state machine", () => {
  test.each(Object.keys(TRANSITIONS) as Array<keyof typeof TRANSITIONS>)("%s: allowed from its listed states, CONFLICT from every other", (action) => {
    const t = TRANSITIONS[action];
    for (const from of STATES) {
      if (t.from.includes(from)) {
        expect(next(action, from)).toBe(t.to === "same" ? from : t.to);
      } else {
        let error: GraphQLError | undefined;
        try {
          next(action, from);
        } catch (e) {
          error = e as GraphQLError;
        }
        expect(error?.extensions).toMatchObject({ code: "CONFLICT", reason: "TRANSITION_NOT_ALLOWED", status: from, action });
      }
    }
  });

  test("final states allow nothing but recording a step after approval", () => {
    for (const from of ["REJECTED", "AUTO_RESOLVED"] as const) {
      for (const action of Object.keys(TRANSITIONS) as Array<keyof typeof TRANSITIONS>) expect(() => next(action, from)).toThrow();
    }
    const afterApproval = (Object.keys(TRANSITIONS) as Array<keyof typeof TRANSITIONS>).filter((a) => TRANSITIONS[a].from.includes("APPROVED"));
    expect(afterApproval.sort()).toEqual(["RECORD_COMMITMENT_LETTER", "RECORD_COMMUNITY_REPORT"]);
    expect(OPEN).toEqual(["SUBMITTED", "UNDER_REVIEW", "EVIDENCE_REQUESTED"]);
  });
});

describe("the SLA", () => {
  const now = new Date("2026-01-26T02:00:00Z");
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);

  test("overdue once open longer than the threshold; a decided appeal is never overdue", () => {
    expect(dueAt({ submittedAt: at(0) }, 10)).toEqual(new Date(now.getTime() + 10 * HOUR));
    expect(isOverdue({ submittedAt: at(9.9), status: "SUBMITTED" }, 10, now)).toBe(false);
    expect(isOverdue({ submittedAt: at(10), status: "UNDER_REVIEW" }, 10, now)).toBe(true);
    expect(isOverdue({ submittedAt: at(50), status: "APPROVED" }, 10, now)).toBe(false);
    expect(isOverdue({ submittedAt: at(3), status: "SUBMITTED" }, 2, now)).toBe(true);
  });

  test("the queue: overdue first, then the oldest; appeals waiting for the appellant last", () => {
    const list = [
      { id: "fresh", submittedAt: at(1), status: "SUBMITTED" as const },
      { id: "waiting", submittedAt: at(30), status: "EVIDENCE_REQUESTED" as const },
      { id: "overdue-newer", submittedAt: at(11), status: "UNDER_REVIEW" as const },
      { id: "older", submittedAt: at(5), status: "SUBMITTED" as const },
      { id: "overdue-oldest", submittedAt: at(20), status: "SUBMITTED" as const },
    ];
    expect(byUrgency(list, 10, now).map((a) => a.id)).toEqual(["overdue-oldest", "overdue-newer", "older", "fresh", "waiting"]);
  });
});
