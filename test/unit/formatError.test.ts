// The gateway's error formatting, on the shapes @apollo/gateway and Apollo Server produce.
import { GraphQLError } from "graphql";
import { formatGatewayError } from "../../gateway/formatError";

const downstream = (status: number, body: unknown) =>
  new GraphQLError(`${status}: Bad Request`, { extensions: { response: { url: "http://testing/graphql", status, statusText: "Bad Request", body } } });

test("a subgraph's 4xx reaches the client as the subgraph's own error and code, without the raw response", () => {
  const error = downstream(400, { errors: [{ message: "A DateTime must be an ISO 8601 date and time with a time zone.", extensions: { code: "BAD_USER_INPUT" } }] });
  const formatted = formatGatewayError({ message: error.message, extensions: { ...error.extensions, code: "INTERNAL_SERVER_ERROR" } }, error);
  expect(formatted).toEqual({ message: "A DateTime must be an ISO 8601 date and time with a time zone.", extensions: { code: "BAD_USER_INPUT" } });
});

test("a subgraph's 4xx without a usable error is BAD_USER_INPUT with a generic message", () => {
  const error = downstream(400, "<html>bad</html>");
  const formatted = formatGatewayError({ message: error.message, extensions: { ...error.extensions, code: "INTERNAL_SERVER_ERROR" } }, error);
  expect(formatted.extensions).toEqual({ code: "BAD_USER_INPUT" });
  expect(JSON.stringify(formatted)).not.toContain("html");
});

test("a subgraph's 5xx keeps its code but loses the raw response", () => {
  const error = downstream(502, { secret: "stack trace" });
  const formatted = formatGatewayError({ message: error.message, extensions: { ...error.extensions, code: "INTERNAL_SERVER_ERROR" } }, error);
  expect(formatted.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
});

test("a validation error raised by a scalar keeps the scalar's code", () => {
  const cause = new GraphQLError("A DateTime must be …", { extensions: { code: "BAD_USER_INPUT" } });
  const wrapper = new GraphQLError('Expected value of type "DateTime!", found "1"; A DateTime must be …', { originalError: cause, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
  expect(formatGatewayError({ message: wrapper.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }, wrapper).extensions).toEqual({ code: "BAD_USER_INPUT" });
});
