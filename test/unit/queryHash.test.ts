// The gateway's replacement for @apollo/utils.createhash: the same digests as node:crypto, for the
// query-text hash Apollo Server keys its document cache by and for every other use.
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { installQueryHash } from "../../gateway/queryHash";

const sha = (kind: string, text: string) => createHash(kind).update(text).digest("hex");

test("Apollo Server's copy gives node:crypto's digests, remembered or not", () => {
  installQueryHash();
  const path = require.resolve("@apollo/utils.createhash", { paths: [dirname(require.resolve("@apollo/server"))] });
  const apollo = (require(path) as { createHash: (kind: string) => { update(t: string): { update(t: string): any; digest(e?: string): string | Buffer } } }).createHash;
  const query = "query Me { me { name } }";
  expect(apollo("sha256").update(query).digest("hex")).toBe(sha("sha256", query));
  expect(apollo("sha256").update(query).digest("hex")).toBe(sha("sha256", query));
  expect(apollo("sha256").update("other").digest("hex")).toBe(sha("sha256", "other"));
  expect(apollo("sha512").update("abc").digest("hex")).toBe(sha("sha512", "abc"));
  expect(apollo("sha256").update("a").update("b").digest("hex")).toBe(sha("sha256", "ab"));
  expect(apollo("sha256").update(query).digest()).toEqual(createHash("sha256").update(query).digest());
  const long = "x".repeat(20_000);
  expect(apollo("sha256").update(long).digest("hex")).toBe(sha("sha256", long));
});
