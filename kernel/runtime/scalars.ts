// The DateTime scalar shared by every subgraph: ISO 8601 strings on the wire, Dates inside.
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError("A DateTime must be an ISO 8601 date and time, e.g. 2022-01-26T10:00:00Z.", { extensions: { code: "BAD_USER_INPUT" } });
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  description: "An ISO 8601 date and time in UTC.",
  serialize: (value) => toDate(value).toISOString(),
  parseValue: toDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("A DateTime literal must be a string.", { extensions: { code: "BAD_USER_INPUT" } });
    return toDate(ast.value);
  },
});
