// Benchmarks run the services with NODE_ENV=production, where health-code refuses to start
// without its testing-code key and its face-verification and SMS providers. Read paths call
// neither provider, so they point at the discard port; the key is fresh for each run.
import { generateKeyPairSync } from "node:crypto";

/** The settings health-code requires in production, for a benchmark's throwaway services. */
export function benchProviderEnv(): Record<string, string> {
  return {
    HEALTH_CODE_FACE_VERIFIER_URL: "http://127.0.0.1:9/verify",
    HEALTH_CODE_SMS_URL: "http://127.0.0.1:9/sms",
    TESTING_CODE_PRIVATE_JWK: JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" })),
  };
}
