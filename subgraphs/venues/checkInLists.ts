// The latest check-ins of many persons (or registers) in one statement, each list cut to the
// `last` the query asked for: a LATERAL subquery per key walks the (key, checked_in_at) index
// and stops after `last` rows, instead of reading every check-in of the key (or a fixed 100).
// The register and venue of each check-in come in the same statement, so `checkIns { venue }`
// costs no second and third round trip: the rows are primed into the request's loaders. It runs
// on every resident query, so it goes through the kernel's SQL seam (no Prisma per-query work) as
// a named statement each pooled connection prepares once; timestamps (stored without a zone,
// meaning UTC) are read AT TIME ZONE 'UTC' so the driver never reads them in the local zone.
import type { CheckIn, Register, Venue } from "./generated/prisma/client";
import type { Sql } from "../../kernel/db/sql";

type Row = {
  key: string;
  id: string;
  registerId: string;
  personId: string;
  checkedInAt: Date | string;
  venueId: string;
  registrarId: string;
  registerCode: string;
  registerLabel: string;
  registerStatus: Register["status"];
  suspendedReason: string | null;
  suspendedBy: string | null;
  suspendedAt: Date | string | null;
  deletedAt: Date | string | null;
  registerCreatedAt: Date | string;
  venueName: string;
  venueKind: Venue["kind"];
  district: string;
  community: string;
  address: string;
};

export interface CheckInListRows {
  /** Check-ins of each key in the keys' order, most recent first. */
  lists: CheckIn[][];
  registers: Register[];
  venues: Venue[];
}

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

const statement = (column: "person_id" | "register_id") => `
    SELECT k.key, c.id, c.register_id AS "registerId", c.person_id AS "personId", (c.checked_in_at AT TIME ZONE 'UTC') AS "checkedInAt",
           r.venue_id AS "venueId", r.registrar_id AS "registrarId", r.code AS "registerCode", r.label AS "registerLabel",
           r.status::text AS "registerStatus", r.suspended_reason AS "suspendedReason",
           r.suspended_by AS "suspendedBy", (r.suspended_at AT TIME ZONE 'UTC') AS "suspendedAt", (r.deleted_at AT TIME ZONE 'UTC') AS "deletedAt",
           (r.created_at AT TIME ZONE 'UTC') AS "registerCreatedAt",
           v.name AS "venueName", v.kind::text AS "venueKind", v.district, v.community, v.address
    FROM unnest($1::text[]) WITH ORDINALITY AS k(key, ord)
    CROSS JOIN LATERAL (
      SELECT * FROM check_in ci WHERE ci.${column} = k.key
      ORDER BY ci.checked_in_at DESC, ci.id DESC LIMIT $2
    ) c
    JOIN register r ON r.id = c.register_id
    JOIN venue v ON v.id = r.venue_id
    ORDER BY k.ord, c.checked_in_at DESC, c.id DESC`;
const STATEMENTS = { person_id: statement("person_id"), register_id: statement("register_id") };

/** The latest `last` check-ins of each key, with their registers and venues, in one statement. */
export async function latestCheckIns(sql: Sql, column: "person_id" | "register_id", keys: readonly string[], last: number): Promise<CheckInListRows> {
  const rows = await sql.query<Row>(STATEMENTS[column], [[...keys], last], { name: `venues_check_ins_by_${column}` });
  const lists = new Map<string, CheckIn[]>();
  const registers = new Map<string, Register>();
  const venues = new Map<string, Venue>();
  for (const r of rows) {
    const checkIn: CheckIn = { id: r.id, registerId: r.registerId, personId: r.personId, checkedInAt: asDate(r.checkedInAt) };
    const list = lists.get(r.key);
    if (list) list.push(checkIn);
    else lists.set(r.key, [checkIn]);
    registers.set(r.registerId, {
      id: r.registerId,
      venueId: r.venueId,
      registrarId: r.registrarId,
      code: r.registerCode,
      label: r.registerLabel,
      status: r.registerStatus,
      suspendedReason: r.suspendedReason,
      suspendedBy: r.suspendedBy,
      suspendedAt: r.suspendedAt === null ? null : asDate(r.suspendedAt),
      deletedAt: r.deletedAt === null ? null : asDate(r.deletedAt),
      createdAt: asDate(r.registerCreatedAt),
    });
    venues.set(r.venueId, { id: r.venueId, name: r.venueName, kind: r.venueKind, district: r.district, community: r.community, address: r.address });
  }
  return { lists: keys.map((k) => lists.get(k) ?? []), registers: [...registers.values()], venues: [...venues.values()] };
}
