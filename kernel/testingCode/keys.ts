// The testing-code key pair. Health-code signs with the private key; testing and venues verify
// with the public key alone (configured once, or read once from `testingCodeKey`), so verifying a
// code never calls back. Production: TESTING_CODE_PRIVATE_JWK (an EC P-256 JWK) is required.
// Development: generated once into the data directory; under jest: a fresh key per process.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { ConfigError, optionalEnv } from "../config/env";
import { ALGORITHM } from "./format";

export interface TestingCodeKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public key as a JWK with its `kid`, for verifiers. */
  publicJwk: JWK;
}

async function fromPrivateJwk(jwk: JWK): Promise<TestingCodeKeys> {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d) throw new ConfigError("TESTING_CODE_PRIVATE_JWK must be an EC P-256 private key in JWK form (kty EC, crv P-256, with d).");
  const { d: _d, ...pub } = jwk;
  const publicJwk: JWK = { ...pub, alg: ALGORITHM, use: "sig", kid: jwk.kid ?? `tc-${(jwk.x ?? "").slice(0, 8)}` };
  return {
    privateKey: (await importJWK({ ...jwk, alg: ALGORITHM }, ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, ALGORITHM)) as CryptoKey,
    publicJwk,
  };
}

async function generated(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  return exportJWK(privateKey);
}

let testKeys: Promise<TestingCodeKeys> | undefined;

/** Loads the key pair per the environment (see the file comment). */
export async function loadTestingCodeKeys(env: NodeJS.ProcessEnv, dataDir: string): Promise<TestingCodeKeys> {
  const raw = optionalEnv(env, "TESTING_CODE_PRIVATE_JWK");
  if (raw) {
    try {
      return await fromPrivateJwk(JSON.parse(raw) as JWK);
    } catch (e) {
      throw e instanceof ConfigError ? e : new ConfigError(`TESTING_CODE_PRIVATE_JWK is not a usable JWK: ${(e as Error).message}`);
    }
  }
  if (env.NODE_ENV === "production") throw new ConfigError("TESTING_CODE_PRIVATE_JWK is required in production: an EC P-256 private key in JWK form.");
  // One key per test process, shared by every silo in it (health-code signs, testing verifies).
  if (env.NODE_ENV === "test") return (testKeys ??= generated().then(fromPrivateJwk));
  const file = join(dataDir, "dev-testing-code-key.json");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(await generated()), { mode: 0o600 });
  }
  return fromPrivateJwk(JSON.parse(readFileSync(file, "utf8")) as JWK);
}

/**
 * The public key a verifier (testing, venues) needs: TESTING_CODE_PUBLIC_JWK when set (production
 * verifiers hold no private key), else the development or test key pair's public half.
 */
export async function loadTestingCodePublicKey(env: NodeJS.ProcessEnv, dataDir: string): Promise<CryptoKey> {
  const raw = optionalEnv(env, "TESTING_CODE_PUBLIC_JWK");
  if (!raw) return (await loadTestingCodeKeys(env, dataDir)).publicKey;
  try {
    const jwk = JSON.parse(raw) as JWK;
    if (jwk.kty !== "EC" || jwk.crv !== "P-256" || jwk.d) throw new Error("an EC P-256 public key (kty EC, crv P-256, no d) is required");
    return (await importJWK({ ...jwk, alg: ALGORITHM }, ALGORITHM)) as CryptoKey;
  } catch (e) {
    throw new ConfigError(`TESTING_CODE_PUBLIC_JWK is not a usable public JWK: ${(e as Error).message}`);
  }
}
