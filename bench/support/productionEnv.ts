// Benchmarks run the services with NODE_ENV=production, where health-code refuses to start
// without its testing-code key and its face-verification and SMS providers. Read paths call
// neither provider, so they point at the discard port; the key is fresh for each run.
// The gateway's rate limiter stays on (its Redis round trip is part of every request's cost), with
// budgets no load generator of a few accounts reaches: at the default 300 requests per 10 s per
// account, eight residents were refused with 429 above 240 req/s and the refusals, far cheaper
// than answers, were counted into the gateway's CPU per request.
import { generateKeyPairSync } from "node:crypto";

/** The settings health-code requires in production, for a benchmark's throwaway services. */
export function benchProviderEnv(): Record<string, string> {
  return {
    RATE_LIMIT_SUBJECT: "10000000/10s",
    RATE_LIMIT_ADDRESS: "10000000/10s",
    HEALTH_CODE_FACE_VERIFIER_URL: "http://127.0.0.1:9/verify",
    HEALTH_CODE_SMS_URL: "http://127.0.0.1:9/sms",
    TESTING_CODE_PRIVATE_JWK: JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" })),
  };
}
