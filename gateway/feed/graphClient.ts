// The feed reads through the graph as the client itself: it forwards the client's own bearer
// token to the gateway, so every permission and every mask applies exactly as on /graphql and
// the feed can never show more than the registrar could query.
import { GraphQLError } from "graphql";
import { admittedFor, alertFor, type Colour } from "../../kernel/venues/admission";

export type GraphQuery = <T>(authorization: string, query: string, variables?: Record<string, unknown>) => Promise<T>;

/** A GraphQLError carrying the graph's first error code (or SERVICE_UNAVAILABLE when the gateway cannot be reached). */
export function graphError(message: string, code: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extra, code } });
}

/** POSTs to the gateway with the client's Authorization header; resolves `data` or throws the first error. */
export function graphClient(gatewayUrl: string): GraphQuery {
  return async <T>(authorization: string, query: string, variables?: Record<string, unknown>) => {
    let body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    try {
      const res = await fetch(gatewayUrl, { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query, variables }) });
      body = (await res.json()) as typeof body;
    } catch {
      throw graphError("The graph cannot be reached right now: try again shortly.", "SERVICE_UNAVAILABLE");
    }
    const first = body.errors?.[0];
    if (first) throw graphError(first.message, String(first.extensions?.code ?? "INTERNAL_SERVER_ERROR"), first.extensions?.reason ? { reason: first.extensions.reason } : {});
    return body.data as T;
  };
}

/** One visit as the registrar may see it. */
export interface VisitRow {
  id: string;
  checkedInAt: string;
  colour: string | null;
  alert: boolean | null;
  admitted: boolean | null;
  register: { id: string; label: string };
  person: { name: string | null; documentNumber: string | null };
}

export interface HistoryPage { edges: Array<{ cursor: string; node: VisitRow }>; endCursor: string | null; hasNextPage: boolean }

/** A visit as the graph answers HISTORY_QUERY: the colour from health-code, the venue's kind from venues. */
export interface GraphVisit {
  id: string;
  checkedInAt: string;
  register: { id: string; label: string; venue: { kind: string } | null };
  person: { name: string | null; documentNumber: string | null; healthCode: { colour: Colour } | null };
}

// The colour and the venue's kind, not CheckIn's alert and admitted: those @require the colour,
// so asking for them adds a fourth call, back to venues after health-code, to every read. The
// feed derives them with the venues silo's own rule (kernel/venues/admission.ts).
export const HISTORY_QUERY = `query FeedHistory($registerId: ID, $after: String, $first: Int!, $order: HistoryOrder!) {
  visitorHistory(registerId: $registerId, first: $first, after: $after, order: $order) {
    edges { cursor node { id checkedInAt register { id label venue { kind } } person { name documentNumber healthCode { colour } } } }
    endCursor hasNextPage } }`;

/** The feed's row for a visit read from the graph. */
export function visitRow(v: GraphVisit): VisitRow {
  const colour = v.person.healthCode?.colour ?? null;
  const kind = v.register.venue?.kind;
  return {
    id: v.id, checkedInAt: v.checkedInAt, colour, alert: alertFor(colour), admitted: admittedFor(colour, kind),
    register: { id: v.register.id, label: v.register.label }, person: { name: v.person.name, documentNumber: v.person.documentNumber },
  };
}

/** The same page with ids only: the venues silo alone answers it (no colour, no masked identity). */
export const HISTORY_IDS_QUERY = `query FeedHistoryIds($registerId: ID, $after: String, $first: Int!, $order: HistoryOrder!) {
  visitorHistory(registerId: $registerId, first: $first, after: $after, order: $order) { edges { node { id } } endCursor hasNextPage } }`;

export interface IdsPage { edges: Array<{ node: { id: string } }>; endCursor: string | null; hasNextPage: boolean }

/** One page of the registrar's history, ids only. */
export async function historyIds(graph: GraphQuery, authorization: string, vars: { registerId?: string; after?: string | null; first: number; order: "NEWEST_FIRST" | "OLDEST_FIRST" }): Promise<IdsPage> {
  return (await graph<{ visitorHistory: IdsPage }>(authorization, HISTORY_IDS_QUERY, vars)).visitorHistory;
}

/** One page of the registrar's history through the graph. */
export async function historyPage(graph: GraphQuery, authorization: string, vars: { registerId?: string; after?: string | null; first: number; order: "NEWEST_FIRST" | "OLDEST_FIRST" }): Promise<HistoryPage> {
  type Page = { edges: Array<{ cursor: string; node: GraphVisit }>; endCursor: string | null; hasNextPage: boolean };
  const page = (await graph<{ visitorHistory: Page }>(authorization, HISTORY_QUERY, vars)).visitorHistory;
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: visitRow(e.node) })) };
}

/** A history cursor for a moment (the first position at or after it); same format the venues silo uses. */
export function cursorAt(at: Date): string {
  return Buffer.from(`${at.toISOString()}|`).toString("base64url");
}
