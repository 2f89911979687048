// The three keys the graph runs on. In production they come from the environment; on a
// developer's machine (embedded mode) they are generated once into the data directory so that
// `npm start`, `npm run token` and restarts agree without any setup.
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, optionalEnv } from "./env";

export interface Secrets {
  /** HS256 key of client bearer tokens (dev/embedded; production may use a JWKS URL instead). */
  tokenSecret: Uint8Array;
  /** Key of the gateway-signed Viewer header that subgraphs verify. */
  viewerKey: Uint8Array;
  /** Pepper of the pseudonymous person id: HMAC(pepper, document). */
  pepper: Uint8Array;
}

const VARS = { tokenSecret: "AUTH_TOKEN_SECRET", viewerKey: "VIEWER_HEADER_SECRET", pepper: "PERSON_ID_PEPPER" } as const;
const MIN_BYTES = 32;

function decode(name: string, value: string): Uint8Array {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length < MIN_BYTES) throw new ConfigError(`${name} must be at least ${MIN_BYTES} bytes long.`);
  return new Uint8Array(bytes);
}

function devSecrets(dataDir: string): Record<keyof Secrets, string> {
  const file = join(dataDir, "dev-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  mkdirSync(dataDir, { recursive: true });
  const fresh = {
    tokenSecret: randomBytes(32).toString("base64url"),
    viewerKey: randomBytes(32).toString("base64url"),
    pepper: randomBytes(32).toString("base64url"),
  };
  // Written whole to a private file, then linked into place: link() fails if the file exists, so
  // two processes starting together agree on one set of keys and never read a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(fresh, null, 2) + "\n", { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return fresh;
  } catch {
    return JSON.parse(readFileSync(file, "utf8"));
  } finally {
    unlinkSync(tmp);
  }
}

/** Loads the keys from the environment, or (outside production) from the data directory's dev file. */
export function loadSecrets(env: NodeJS.ProcessEnv, dataDir: string): Secrets {
  const fromEnv = Object.fromEntries(
    Object.entries(VARS).map(([key, name]) => [key, optionalEnv(env, name)]),
  ) as Record<keyof Secrets, string | undefined>;
  const missing = Object.entries(VARS).filter(([key]) => !fromEnv[key as keyof Secrets]);
  if (missing.length > 0 && env.NODE_ENV === "production") {
    throw new ConfigError(`Set ${missing.map(([, n]) => n).join(", ")} (each at least ${MIN_BYTES} bytes); production never uses generated development keys.`);
  }
  const dev = missing.length > 0 ? devSecrets(dataDir) : undefined;
  const pick = (key: keyof Secrets) => decode(VARS[key], fromEnv[key] ?? (dev as Record<keyof Secrets, string>)[key]);
  return { tokenSecret: pick("tokenSecret"), viewerKey: pick("viewerKey"), pepper: pick("pepper") };
}

/** The data directory of the embedded mode (databases, dev keys). */
export function dataDirFromEnv(env: NodeJS.ProcessEnv): string {
  return optionalEnv(env, "DATA_DIR") ?? join(process.cwd(), ".data");
}
