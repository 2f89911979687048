// What an approved appeal means here (docs/appeals.md): the community officer's approval is
// recorded as a step of the cause (APPEAL_APPROVED), and the cause clears when its clearing rule
// is met with it — at once if the tests and steps are already there, or later, when the missing
// negative test or step arrives. Health-code's rule stays the only judge: an approval never
// clears a cause whose rule is not met, and never a kind a community officer may not clear.
import type { Sql } from "../../../kernel/db/sql";
import { rules, type CauseKind, type Step } from "./rules";
import { evaluate, type TestFact } from "./progress";
import { appendStatusChanged } from "../events/statusChanged";

/** The step row an approved appeal leaves on its cause. */
export const APPEAL_APPROVED_STEP = "APPEAL_APPROVED";
export const APPEAL_APPROVED_REASON = "appeal approved";

/** Records a step for an open cause of `personId` (idempotent); false when the cause is not open or not theirs. */
export async function recordStep(tx: Sql, causeId: string, personId: string, step: string, evidenceRef: string, actorId: string | null): Promise<boolean> {
  const open = await tx.query(`SELECT 1 FROM status_cause WHERE id = $1::text AND person_id = $2::text AND cleared_at IS NULL`, [causeId, personId]);
  if (open.length === 0) return false;
  await tx.query(
    `INSERT INTO clearing_step (id, cause_id, step, evidence_ref, recorded_by_role, recorded_by)
     VALUES (gen_random_uuid()::text, $1::text, $2::text, $3::text, 'COMMUNITY_OFFICER', $4::text)
     ON CONFLICT (cause_id, step) DO NOTHING`,
    [causeId, step, evidenceRef, actorId],
  );
  return true;
}

/**
 * Clears each open cause of the persons (locked by the caller) that carries an approved appeal
 * and whose rule is now met; announces the change. Returns the cleared cause ids.
 */
export async function clearApproved(tx: Sql, personIds: readonly string[]): Promise<string[]> {
  if (personIds.length === 0) return [];
  const ids = [...new Set(personIds)];
  const causes = await tx.query<{ id: string; person_id: string; kind: CauseKind; raised_ms: number; steps: string[] }>(
    `SELECT c.id, c.person_id, c.kind::text AS kind, (extract(epoch FROM c.raised_at) * 1000)::float8 AS raised_ms,
            array_agg(s.step) AS steps
       FROM status_cause c JOIN clearing_step s ON s.cause_id = c.id
      WHERE c.person_id = ANY ($1::text[]) AND c.cleared_at IS NULL
      GROUP BY c.id HAVING bool_or(s.step = $2::text)`,
    [ids, APPEAL_APPROVED_STEP],
  );
  if (causes.length === 0) return [];
  const tests = await tx.query<{ person_id: string; outcome: string; pooled: boolean | null; swabbed_ms: number }>(
    `SELECT person_id, outcome, pooled, (extract(epoch FROM swabbed_at) * 1000)::float8 AS swabbed_ms FROM test_record WHERE person_id = ANY ($1::text[])`,
    [ids],
  );
  const cleared: Array<{ id: string; personId: string; kind: string }> = [];
  for (const c of causes) {
    const config = rules()[c.kind];
    if (!config.clearedBy.includes("COMMUNITY_OFFICER") && config.rule.type === "OFFICER_DECISION") continue;
    const facts: TestFact[] = tests.filter((t) => t.person_id === c.person_id).map((t) => ({ outcome: t.outcome, pooled: t.pooled, swabbedAt: new Date(Number(t.swabbed_ms)) }));
    const met = config.rule.type === "OFFICER_DECISION" || evaluate(config.rule, new Date(Number(c.raised_ms)), facts, c.steps as Step[], new Date()).satisfied;
    if (!met) continue;
    const done = await tx.query(
      `UPDATE status_cause SET cleared_at = now() AT TIME ZONE 'UTC', cleared_reason = $2::text, cleared_by_role = 'COMMUNITY_OFFICER'
        WHERE id = $1::text AND cleared_at IS NULL RETURNING id`,
      [c.id, APPEAL_APPROVED_REASON],
    );
    if (done.length > 0) cleared.push({ id: c.id, personId: c.person_id, kind: c.kind });
  }
  const byPerson = new Map(cleared.map((c) => [c.personId, c]));
  await appendStatusChanged(tx, [...byPerson.keys()], (personId) => {
    const c = byPerson.get(personId)!;
    return { change: "CLEARED", causeId: c.id, causeKind: c.kind, reason: APPEAL_APPROVED_REASON, actorRole: "COMMUNITY_OFFICER" };
  });
  return cleared.map((c) => c.id);
}
