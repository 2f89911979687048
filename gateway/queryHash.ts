// Apollo Server keys its document cache by the SHA-256 of each request's query text, computed per
// request through @apollo/utils.createhash, which calls `module.require("crypto")` on every hash.
// Under tsx's module hooks each such require is a module resolution; with the hash itself it was
// about 2 % of the gateway's CPU on `me { name }`. This replaces that function, in the copies
// Apollo Server and @apollo/gateway load, with one that requires crypto once and remembers the
// hex SHA-256 of recent query texts (by the whole text, so a remembered digest is always right).
import { createHash as cryptoHash, type Hash } from "node:crypto";
import { dirname } from "node:path";

/** Query texts whose digest is remembered (the oldest forgotten first), and the longest remembered. */
const REMEMBER = 1000;
const TEXT_MAX = 16_384;
const digests = new Map<string, string>();

/** A Hash for one use: a single string hashed to hex with SHA-256 is looked up; anything else is hashed as usual. */
class RememberingHash {
  private text?: string;
  private real?: Hash;
  constructor(private readonly kind: string) {}
  update(data: string | NodeJS.ArrayBufferView, encoding?: BufferEncoding): this {
    if (this.real) this.real.update(data as string, encoding as BufferEncoding);
    else if (this.text === undefined && typeof data === "string" && encoding === undefined) this.text = data;
    else {
      this.real = cryptoHash(this.kind);
      if (this.text !== undefined) this.real.update(this.text);
      this.real.update(data as string, encoding as BufferEncoding);
    }
    return this;
  }
  digest(encoding?: string): string | Buffer {
    if (this.real || this.text === undefined || this.kind !== "sha256" || encoding !== "hex" || this.text.length > TEXT_MAX) {
      const hash = this.real ?? cryptoHash(this.kind).update(this.text ?? "");
      return encoding ? hash.digest(encoding as "hex") : hash.digest();
    }
    let hex = digests.get(this.text);
    if (hex === undefined) {
      hex = cryptoHash("sha256").update(this.text).digest("hex");
      if (digests.size >= REMEMBER) digests.delete(digests.keys().next().value as string);
      digests.set(this.text, hex);
    }
    return hex;
  }
}

const createHash = (kind: string) => new RememberingHash(kind);

/** Installs the hash in every copy of @apollo/utils.createhash that Apollo Server and @apollo/gateway use. */
export function installQueryHash(): void {
  for (const from of ["@apollo/server", "@apollo/gateway"]) {
    try {
      const path = require.resolve("@apollo/utils.createhash", { paths: [dirname(require.resolve(from))] });
      (require(path) as { createHash: unknown }).createHash = createHash;
    } catch {
      // A layout without the module keeps Apollo's own hash: slower, never wrong.
    }
  }
}
