// The latest check-ins of many persons (or registers) in one statement, each list cut to the
// `last` the query asked for: a LATERAL subquery per key walks the (key, checked_in_at) index
// and stops after `last` rows, instead of reading every check-in of the key (or a fixed 100).
// The register and venue of each check-in come in the same statement, so `checkIns { venue }`
// costs no second and third round trip: the rows are primed into the request's loaders. It runs
// on every resident query, so it goes through the kernel's SQL seam (no Prisma per-query work) as
// a named statement each pooled connection prepares once, calling a database function whose plan
// each connection keeps; timestamps (stored without a zone, meaning UTC) leave AT TIME ZONE 'UTC'
// so the driver never reads them in the local zone.
import type { Register, Venue } from "./generated/prisma/client";
import type { CheckIn } from "./checkIns";
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

// The query is the database function person_check_ins or register_check_ins (migration
// 20261127140000_check_in_list_functions), which keeps one plan per connection: as a named
// statement it was planned again at every call, and planning was most of its cost.
const STATEMENTS = {
  person_id: `SELECT * FROM person_check_ins($1::text[], $2::int)`,
  register_id: `SELECT * FROM register_check_ins($1::text[], $2::int)`,
};

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
