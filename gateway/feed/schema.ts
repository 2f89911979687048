// The feed's own small GraphQL schema: one subscription, served over GraphQL over SSE. Its
// fields are the history's, flattened for a phone's list row; masking was done by the silos.
import { buildSchema, GraphQLError, type GraphQLSchema } from "graphql";
import type { Viewer } from "../../kernel/auth/viewer";
import type { HintChannel } from "../../kernel/feed/hints";
import type { GraphQuery, VisitRow } from "./graphClient";
import { visitorStream } from "./visitorStream";

export type FeedContext = { viewer: Viewer; authorization: string };

const SDL = `
type Query { "The feed's version; queries belong on the gateway's /graphql." feedVersion: String! }
type Subscription {
  "Each new check-in on the signed-in registrar's registers (or one of them), as it happens."
  checkIns(registerId: ID): LiveCheckIn!
}
"A visit as the registrar sees it: masked name and ID number (seed 003), and the siren."
type LiveCheckIn {
  id: ID!
  checkedInAt: String!
  registerId: ID!
  registerLabel: String!
  "Surname and a star per remaining character (王*)."
  name: String
  "First and last two characters (11**************34)."
  documentNumber: String
  colour: String
  alert: Boolean
  admitted: Boolean
}`;

const flatten = (v: VisitRow) => ({
  id: v.id, checkedInAt: v.checkedInAt, registerId: v.register.id, registerLabel: v.register.label,
  name: v.person.name, documentNumber: v.person.documentNumber, colour: v.colour, alert: v.alert, admitted: v.admitted,
});

/** Builds the executable feed schema over the graph and the hint channel. */
export function feedSchema(graph: GraphQuery, hints: HintChannel): GraphQLSchema {
  const schema = buildSchema(SDL);
  schema.getQueryType()!.getFields().feedVersion!.resolve = () => "1";
  const field = schema.getSubscriptionType()!.getFields().checkIns!;
  field.subscribe = async (_root: unknown, args: { registerId?: string }, ctx: FeedContext) => {
    const { role, subject } = ctx.viewer;
    if (role !== "REGISTRAR" || !subject) {
      throw new GraphQLError("Only a registrar may watch check-ins: sign in as a registrar.", { extensions: { code: "FORBIDDEN" } });
    }
    const stream = await visitorStream({ graph, hints, authorization: ctx.authorization, registrarId: subject, registerId: args.registerId ?? undefined });
    // Mapped without an async generator, so a client's disconnect (return()) reaches the stream at once.
    const events: AsyncIterableIterator<{ checkIns: ReturnType<typeof flatten> }> = {
      next: async () => {
        const r = await stream.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: { checkIns: flatten(r.value) } };
      },
      return: async () => (await stream.return(), { done: true, value: undefined }),
      [Symbol.asyncIterator]: () => events,
    };
    return events;
  };
  return schema;
}
