// The testing-code key pair. Health-code signs with the private key; testing and venues verify
// with the public key alone (configured once, or read once from `testingCodeKey`), so verifying a
// code never calls back. Production: TESTING_CODE_PRIVATE_JWK (an EC P-256 JWK) is required.
// Development: generated once into the data directory; under jest: a fresh key per process (one
// for every silo the process hosts, so the test graph's verifiers check health-code's codes).
// A verifier needs only the public key: TESTING_CODE_PUBLIC_JWK (loadTestingCodeVerifyKey).
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
 * The key a verifier (testing, venues) checks codes with: TESTING_CODE_PUBLIC_JWK when set (an EC
 * P-256 public JWK: all a verifier should hold in production), else the public half of the key
 * health-code signs with (the same rules as loadTestingCodeKeys: its private JWK, the development
 * file in the shared data directory, or the test process's key).
 */
export async function loadTestingCodeVerifyKey(env: NodeJS.ProcessEnv, dataDir: string): Promise<CryptoKey> {
  const raw = optionalEnv(env, "TESTING_CODE_PUBLIC_JWK");
  if (raw) {
    try {
      const jwk = JSON.parse(raw) as JWK;
      if (jwk.kty !== "EC" || jwk.crv !== "P-256" || jwk.d) throw new ConfigError("TESTING_CODE_PUBLIC_JWK must be an EC P-256 public key in JWK form (kty EC, crv P-256, no d).");
      return (await importJWK({ ...jwk, alg: ALGORITHM }, ALGORITHM)) as CryptoKey;
    } catch (e) {
      throw e instanceof ConfigError ? e : new ConfigError(`TESTING_CODE_PUBLIC_JWK is not a usable JWK: ${(e as Error).message}`);
    }
  }
  if (env.NODE_ENV === "production" && !optionalEnv(env, "TESTING_CODE_PRIVATE_JWK")) {
    throw new ConfigError("TESTING_CODE_PUBLIC_JWK is required in production: health-code's testing-code public key (Query.testingCodeKey) as a JWK.");
  }
  return (await loadTestingCodeKeys(env, dataDir)).publicKey;
}
