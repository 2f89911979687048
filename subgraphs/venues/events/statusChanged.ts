// health-code's StatusChanged → the replica of who is abnormal (person_status), and the person's
// registers: all suspended at once when they turn abnormal (seed 003). Green again, nothing comes
// back by itself: the registrar resumes each register explicitly (resumeRegister), so a register
// never reopens unattended while its registrar may not even know.
// Ordering: guarded. The event carries the whole status, and person_status keeps the occurredAt of
// the newest one applied per person; an older event (a claim or replay arriving late) is ignored.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";
import { lockRegistrarStatus, SUSPENDED_ABNORMAL } from "../registrarStatus";

interface Payload { personId: string; abnormal: boolean }

/** Applies a person's newest status to the replica, and suspends their registers when it is abnormal. */
export async function onStatusChanged(event: EventEnvelope, tx: Sql): Promise<void> {
  const { personId, abnormal } = event.payload as unknown as Payload;
  if (typeof personId !== "string" || typeof abnormal !== "boolean") throw new Error("StatusChanged payload lacks personId or abnormal");
  await lockRegistrarStatus(tx, personId);
  const newer = await tx.query(
    `INSERT INTO person_status (person_id, abnormal, as_of) VALUES ($1::text, $2::boolean, $3::timestamptz)
     ON CONFLICT (person_id) DO UPDATE SET abnormal = EXCLUDED.abnormal, as_of = EXCLUDED.as_of
      WHERE person_status.as_of <= EXCLUDED.as_of
     RETURNING person_id`,
    [personId, abnormal, event.occurredAt],
  );
  if (newer.length === 0) return;
  if (abnormal) {
    await tx.query(
      `UPDATE register SET status = 'SUSPENDED', suspended_reason = $2::text, suspended_by = NULL, suspended_at = $3::timestamptz
        WHERE registrar_id = $1::text AND status = 'ACTIVE'`,
      [personId, SUSPENDED_ABNORMAL, event.occurredAt],
    );
  }
}
