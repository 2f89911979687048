// Bulk feeds are answered row by row: each row is applied in its own transaction or refused with
// a code and a message, so one malformed row never blocks the good ones, and a retried feed
// raises nothing twice.
import { GraphQLError } from "graphql";
import { fail } from "../../../kernel/runtime/errors";

export interface RowResult { index: number; applied: boolean; code: string | null; message: string | null; causesRaised: number }

/** The most rows one feed call may carry. */
export const MAX_ROWS = 5000;

/** Runs `apply` for each row; a GraphQLError refuses that row only (other errors fail the call). */
export async function perRow<R>(rows: R[], apply: (row: R) => Promise<number>): Promise<RowResult[]> {
  if (rows.length > MAX_ROWS) throw fail("BAD_USER_INPUT", `One feed may carry at most ${MAX_ROWS} rows: split it.`);
  const out: RowResult[] = [];
  for (const [index, row] of rows.entries()) {
    try {
      out.push({ index, applied: true, code: null, message: null, causesRaised: await apply(row) });
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      out.push({ index, applied: false, code: String(e.extensions.code ?? "BAD_USER_INPUT"), message: e.message, causesRaised: 0 });
    }
  }
  return out;
}

/** A Date from an ISO string, or BAD_USER_INPUT naming the field. */
export function instant(value: unknown, field: string): Date {
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw fail("BAD_USER_INPUT", `${field} is not a date and time (ISO 8601).`, { field });
  return d;
}
