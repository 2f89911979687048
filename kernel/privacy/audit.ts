// The append-only audit log of full disclosures of another person's data. Disclosures are
// collected while a request executes and written in one statement before its response leaves
// the silo; if the write fails the response is withheld (see subgraphServer), so no full view
// of anyone goes unrecorded.
import { randomUUID } from "node:crypto";
import type { Viewer } from "../auth/viewer";
import type { Sql } from "../db/sql";

/** What one request disclosed in full, per person: the fields, as `Type.field`. */
export class DisclosureLog {
  private readonly byPerson = new Map<string, Set<string>>();

  /** Records that `field` of `personId` was disclosed in full. */
  add(personId: string, field: string): void {
    const fields = this.byPerson.get(personId) ?? new Set<string>();
    fields.add(field);
    this.byPerson.set(personId, fields);
  }

  get size(): number {
    return this.byPerson.size;
  }

  /** The persons and their fields, sorted so records are stable. */
  entries(): Array<{ personId: string; fields: string[] }> {
    return [...this.byPerson].map(([personId, fields]) => ({ personId, fields: [...fields].sort() }));
  }
}

/** One audit record as stored. */
export interface AuditRecord {
  id: string;
  at: Date;
  viewerId: string | null;
  role: string;
  purpose: string | null;
  personId: string;
  fields: string[];
  operation: string | null;
}

/** Writes a request's disclosures; a failure must reject (the caller withholds the response). */
export interface AuditSink {
  append(viewer: Viewer, operation: string | null, log: DisclosureLog, requestId?: string): Promise<void>;
}

/** An AuditSink over the silo's `disclosure_audit` table (one multi-row INSERT per request). */
export function sqlAuditSink(sql: Sql): AuditSink {
  return {
    async append(viewer, operation, log, requestId) {
      const rows = log.entries();
      if (rows.length === 0) return;
      const params: unknown[] = [];
      const values = rows.map(({ personId, fields }) => {
        params.push(randomUUID(), viewer.subject ?? null, viewer.role, viewer.purpose ?? null, personId, fields, operation, requestId ?? null);
        const n = params.length;
        return `($${n - 7}::uuid, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}::text[], $${n - 1}, $${n})`;
      });
      await sql.query(`INSERT INTO disclosure_audit (id, viewer_id, role, purpose, person_id, fields, operation, request_id) VALUES ${values.join(", ")}`, params);
    },
  };
}

/** The audit record's person-leading ids, served per audience like every entity id (entityIds.ts). */
export const AUDIT_ID_FIELDS = { "DisclosureRecord.personId": "Person", "DisclosureRecord.viewerId": "Person" } as const;

/** The most records one page of the audit log returns. */
export const AUDIT_PAGE_CAP = 1000;

/** Reads the newest `last` audit records (1..AUDIT_PAGE_CAP, oldest first within the page), optionally since a time. */
export async function readAudit(sql: Sql, last: number, since?: Date): Promise<AuditRecord[]> {
  last = Math.min(AUDIT_PAGE_CAP, Math.max(1, Math.trunc(last)));
  const rows = await sql.query<{ id: string; at: Date; viewer_id: string | null; role: string; purpose: string | null; person_id: string; fields: string[]; operation: string | null }>(
    `SELECT id, at, viewer_id, role, purpose, person_id, fields, operation FROM disclosure_audit
     WHERE ($1::timestamptz IS NULL OR at >= $1) ORDER BY at DESC, id LIMIT $2`,
    [since ?? null, last],
  );
  return rows.reverse().map((r) => ({ id: r.id, at: new Date(r.at), viewerId: r.viewer_id, role: r.role, purpose: r.purpose, personId: r.person_id, fields: r.fields, operation: r.operation }));
}

/** The client's operation name from a gateway subgraph operation name (`Name__graph__3`). */
export function clientOperationName(subgraphOperation: string | null | undefined): string | null {
  if (!subgraphOperation) return null;
  const match = /^(.*)__[a-z_]+__\d+$/.exec(subgraphOperation);
  return match ? match[1] || null : subgraphOperation;
}
