// Shared steps of the venues tests: viewers, seeded registers' signed codes, row counts.
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import type { TestGraph } from "../support/graph";

export const resident = (p: DemoResident): Viewer => ({ role: "RESIDENT", subject: p.personId });
export const registrar = (personId: string, venueIds?: string[]): Viewer => ({ role: "REGISTRAR", subject: personId, ...(venueIds ? { venueIds } : {}) });

/** Residents with no cause who hold no register: nothing else in the city touches them. */
export function greens(graph: TestGraph): DemoResident[] {
  const busy = new Set([...graph.city.causes.map((c) => c.personId), ...graph.city.registers.map((r) => r.registrarId)]);
  return graph.city.residents.filter((r) => !busy.has(r.personId));
}

/** Residents whose only causes are pop-ups (colour POPUP). */
export function popups(graph: TestGraph): DemoResident[] {
  return graph.city.residents.filter((r) => {
    const kinds = graph.city.causes.filter((c) => c.personId === r.personId).map((c) => c.kind);
    return kinds.length > 0 && kinds.every((k) => k.startsWith("POPUP"));
  });
}

/** A seeded register's signed QR code, as its registrar sees it. */
export async function codeOf(graph: TestGraph, r: { id: string; registrarId: string }): Promise<string> {
  const res = await graph.query(`{ myRegisters { id code } }`, {}, registrar(r.registrarId));
  return (res.body.data.myRegisters as Array<{ id: string; code: string }>).find((x) => x.id === r.id)!.code;
}

/** Row count of a venues table (optionally filtered). */
export async function count(graph: TestGraph, table: string, where = "TRUE", params: unknown[] = []): Promise<number> {
  return (await graph.databases.venues.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0]!.n;
}

export const CHECK_IN = `mutation CheckIn($code: String!) { checkIn(registerCode: $code) { id colour alert admitted venue { id kind } } }`;
export const APPLY = `mutation Apply($venue: VenueDetails!, $label: String!) {
  applyForRegister(venue: $venue, label: $label) { id code status label qr { payload expiresAt svg png } venue { id name kind community } } }`;
