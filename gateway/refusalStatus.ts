// One refusal, one HTTP status, wherever it is raised. A root field outside the viewer's role is
// refused by the gateway before planning (403); the same refusal raised by a subgraph's
// graphql-shield arrives as a null field with a FORBIDDEN error, which Apollo would answer with
// 200. When nothing was answered and every error is the same refusal, the status follows it.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { singleResponsePlugin } from "./responseHook";

const STATUS: Record<string, number> = { FORBIDDEN: 403, UNAUTHENTICATED: 401 };

/** Sets 403/401 on responses whose every root field was refused with FORBIDDEN/UNAUTHENTICATED. */
export function refusalStatusPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return singleResponsePlugin<C>(({ data, errors }, http) => {
    if (!errors?.length || (data && Object.values(data).some((v) => v !== null))) return;
    const codes = new Set(errors.map((e) => e.extensions?.code));
    const [code] = [...codes];
    if (codes.size === 1 && typeof code === "string" && STATUS[code]) http.status = STATUS[code];
  });
}
