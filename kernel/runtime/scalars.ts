// The DateTime scalar shared by every subgraph and the gateway: strict RFC 3339 / ISO 8601 date
// and time with a zone (graphql-scalars' DateTime), so "1" is refused rather than read as 2001.
// A malformed value is the client's mistake: BAD_USER_INPUT, never an internal error.
import { GraphQLError, GraphQLScalarType, type GraphQLSchema, type ValueNode } from "graphql";
import { GraphQLDateTime } from "graphql-scalars";

const HINT = "A DateTime must be an ISO 8601 date and time with a time zone, e.g. 2022-01-26T10:00:00Z.";

function badDateTime(): GraphQLError {
  return new GraphQLError(HINT, { extensions: { code: "BAD_USER_INPUT" } });
}

function strict<T>(parse: () => T): T {
  try {
    return parse();
  } catch {
    throw badDateTime();
  }
}

const parseValue = (value: unknown): Date => strict(() => GraphQLDateTime.parseValue(value) as Date);
const parseLiteral = (ast: ValueNode, variables?: Record<string, unknown> | null): Date =>
  strict(() => GraphQLDateTime.parseLiteral(ast, variables) as Date);

export const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  description: "An ISO 8601 date and time with a time zone (RFC 3339), e.g. 2022-01-26T10:00:00Z.",
  // Values come from the silos' own databases as Dates: always written out in UTC.
  serialize: (value) => (value instanceof Date ? value : (GraphQLDateTime.parseValue(value) as Date)).toISOString(),
  parseValue,
  parseLiteral,
});

/**
 * Gives a schema built from SDL (the gateway's API schema, whose scalars accept anything) the
 * strict DateTime parsing, so a malformed DateTime is refused at the gateway before planning.
 */
export function applyStrictScalars(schema: GraphQLSchema): void {
  const type = schema.getType("DateTime");
  if (!(type instanceof GraphQLScalarType)) return;
  const mutable = type as { parseValue: typeof parseValue; parseLiteral: typeof parseLiteral };
  mutable.parseValue = parseValue;
  mutable.parseLiteral = parseLiteral;
}
