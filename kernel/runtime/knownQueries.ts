// A subgraph answers the same few query strings over and over (the gateway's plans). Apollo
// Server still hashes each one, negotiates its media types, runs every plugin hook through
// promises and builds its response head: more CPU than executing a small `_entities` call. Once
// Apollo has parsed and validated a query string (and resolved it to a query operation), later
// requests with that exact string are executed here against the same schema and context, and
// answered only when they succeed without errors; anything else (mutations, unknown strings,
// extensions, unusual media types, any error) goes through Apollo as before, so errors, status
// codes and their formatting stay Apollo's. A query resolver writes nothing (reads are entered in
// the request's disclosure log and audited before the response leaves), so a request that falls
// back after executing here is simply executed again through Apollo with a fresh context; the
// string then goes straight to Apollo until Apollo answers it without errors again, so a failing
// query (a database that is down, a field the viewer may not read) is not executed twice per request.
import type { IncomingMessage, ServerResponse } from "node:http";
import { execute, getOperationAST, type DocumentNode, type GraphQLSchema } from "graphql";

/** How many distinct query strings are kept (the gateway's plans are a few dozen). */
const MAX_KNOWN = 1000;

/** The media types Apollo answers with application/json for (no negotiation needed). */
const PLAIN_ACCEPT = new Set([undefined, "", "*/*", "application/json"]);

export interface KnownQueryHooks<C> {
  /** Builds the request's context, as Apollo would. */
  context: (req: IncomingMessage) => Promise<C>;
  /** What Apollo's willSendResponse hooks do for a successful query (the resolved operation's name, as theirs see it); returns the body to send. */
  finish: (contextValue: C, operationName: string | null, data: unknown, seconds: number) => Promise<Record<string, unknown>>;
}

/** True for a request without extensions (absent, null or `{}`). */
function noExtensions(extensions: unknown): boolean {
  if (extensions === undefined || extensions === null) return true;
  return typeof extensions === "object" && !Array.isArray(extensions) && Object.keys(extensions).length === 0;
}

/** Query strings Apollo has validated, and the short path that executes them again. */
export class KnownQueries {
  private readonly documents = new Map<string, DocumentNode>();
  /** Known strings whose last execution here ended with errors: Apollo answers them until one succeeds. */
  private readonly failing = new Set<string>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** Remembers a query string Apollo parsed and validated (from a didResolveOperation hook). */
  remember(query: string | undefined, document: DocumentNode): void {
    if (query === undefined || this.documents.has(query)) return;
    if (this.documents.size >= MAX_KNOWN) {
      const oldest = this.documents.keys().next().value!;
      this.documents.delete(oldest);
      this.failing.delete(oldest);
    }
    this.documents.set(query, document);
  }

  /** Apollo answered this query string without errors (a willSendResponse hook): the short path may take it again. */
  succeeded(query: string | undefined): void {
    if (query !== undefined) this.failing.delete(query);
  }

  /**
   * Answers a POSTed JSON body if it is a known query that executes without errors; false
   * (with nothing written to `res`) when Apollo must answer it instead.
   */
  async answer<C>(hooks: KnownQueryHooks<C>, req: IncomingMessage, body: unknown, res: ServerResponse): Promise<boolean> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
    const { query, variables, operationName, extensions } = body as Record<string, unknown>;
    if (typeof query !== "string" || !noExtensions(extensions)) return false;
    if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) return false;
    if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return false;
    if (!PLAIN_ACCEPT.has(req.headers.accept) || !req.headers["content-type"]?.startsWith("application/json")) return false;
    const document = this.documents.get(query);
    if (!document || this.failing.has(query)) return false;
    const name = operationName ?? undefined;
    const operation = getOperationAST(document, name);
    if (operation?.operation !== "query") return false;
    let contextValue: C;
    try {
      contextValue = await hooks.context(req);
    } catch {
      return false;
    }
    // Timed from here, as Apollo's requestDidStart hooks see it (after the context is built).
    const started = performance.now();
    const result = await execute({ schema: this.schema, document, contextValue, variableValues: (variables ?? undefined) as Record<string, unknown> | undefined, operationName: name });
    if (result.errors?.length) {
      this.failing.add(query);
      return false;
    }
    const payload = await hooks.finish(contextValue, operation.name?.value ?? null, result.data, (performance.now() - started) / 1000);
    res.statusCode = 200;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(JSON.stringify(payload) + "\n");
    return true;
  }
}
