// GET /export.csv: a registrar's visitors as CSV (csv-stringify), masked exactly as the graph
// masks them for the registrar, newest first, at most EXPORT_MAX rows.
import type { IncomingMessage, ServerResponse } from "node:http";
import { stringify } from "csv-stringify/sync";
import { historyPage, type GraphQuery, type VisitRow } from "./graphClient";

export const EXPORT_MAX = 10_000;

const COLUMNS = [
  { key: "checkedInAt", header: "checked_in_at" },
  { key: "register", header: "register" },
  { key: "name", header: "name_masked" },
  { key: "documentNumber", header: "id_number_masked" },
  { key: "colour", header: "colour_now" },
  { key: "alert", header: "alert" },
];

/** Reads the history through the graph as the registrar, between optional `from` and `to`. */
export async function visitorsCsv(graph: GraphQuery, authorization: string, opts: { registerId?: string; from?: Date; to?: Date }): Promise<{ csv: string; rows: number }> {
  const rows: VisitRow[] = [];
  let after: string | null = null;
  while (rows.length < EXPORT_MAX) {
    const page = await historyPage(graph, authorization, { registerId: opts.registerId, after, first: 200, order: "NEWEST_FIRST" });
    for (const { node } of page.edges) {
      const at = Date.parse(node.checkedInAt);
      if (opts.to && at > opts.to.getTime()) continue;
      if (opts.from && at < opts.from.getTime()) return { csv: render(rows), rows: rows.length };
      if (rows.length < EXPORT_MAX) rows.push(node);
    }
    if (!page.hasNextPage) break;
    after = page.endCursor;
  }
  return { csv: render(rows), rows: rows.length };
}

function render(rows: VisitRow[]): string {
  return stringify(
    rows.map((v) => ({ checkedInAt: v.checkedInAt, register: v.register.label, name: v.person.name ?? "", documentNumber: v.person.documentNumber ?? "", colour: v.colour ?? "", alert: v.alert === null ? "" : String(v.alert) })),
    { header: true, columns: COLUMNS },
  );
}

function parseDate(raw: string | null, name: string): Date | undefined {
  if (raw === null || raw === "") return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw Object.assign(new Error(`'${name}' must be an ISO 8601 date-time.`), { code: "BAD_USER_INPUT" });
  return d;
}

/** The route: 200 text/csv, or a JSON error with the graph's code (400, 401, 403, 404, 503). */
export function exportRoute(graph: GraphQuery, authorize: (req: IncomingMessage) => Promise<string>) {
  const status: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, SERVICE_UNAVAILABLE: 503 };
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const authorization = await authorize(req);
      const url = new URL(req.url ?? "/", "http://localhost");
      const from = parseDate(url.searchParams.get("from"), "from");
      const to = parseDate(url.searchParams.get("to"), "to");
      const { csv } = await visitorsCsv(graph, authorization, { registerId: url.searchParams.get("registerId") ?? undefined, from, to });
      res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="visitors.csv"', "cache-control": "no-store" }).end(csv);
    } catch (err) {
      const e = err as { message?: string; code?: string; extensions?: { code?: string; reason?: unknown } };
      const code = e.extensions?.code ?? e.code ?? "INTERNAL_SERVER_ERROR";
      const message = code === "INTERNAL_SERVER_ERROR" ? "The export failed: try again." : e.message;
      res.writeHead(status[code] ?? 500, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ message, extensions: { code, ...(e.extensions?.reason ? { reason: e.extensions.reason } : {}) } }] }));
    }
  };
}
