// Face verification against the population register (seed 002) is an external service. The silo
// talks to it through this interface: an HTTP client for a configured provider, or, in embedded
// mode and tests only, a demo provider that never sees a face. The provider receives the
// document and name it must compare against, and a liveness token from the app; nothing of it
// is logged or returned.
import { ConfigError, optionalEnv, urlFromEnv } from "../../../kernel/config/env";
import { GraphQLError } from "graphql";

export interface FaceCheck { documentType: string; documentNumber: string; name: string; faceToken: string }
export interface FaceResult { matched: boolean; reference: string }

export interface FaceVerifier {
  readonly name: string;
  verify(check: FaceCheck): Promise<FaceResult>;
}

const unavailable = () =>
  new GraphQLError("Face verification is unavailable right now: try again in a few minutes. Nothing was bound.", { extensions: { code: "SERVICE_UNAVAILABLE" } });

/** A provider reached over HTTP: POST {documentType, documentNumber, name, faceToken} → {matched, reference}. */
export function httpFaceVerifier(url: string, opts: { apiKey?: string; timeoutMs?: number } = {}): FaceVerifier {
  return {
    name: `http:${new URL(url).host}`,
    async verify(check) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
          body: JSON.stringify(check),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
      } catch {
        throw unavailable();
      }
      if (!res.ok) throw unavailable();
      const body = (await res.json().catch(() => null)) as { matched?: unknown; reference?: unknown } | null;
      if (!body || typeof body.matched !== "boolean" || typeof body.reference !== "string") throw unavailable();
      return { matched: body.matched, reference: body.reference.slice(0, 120) };
    },
  };
}

/** The faceToken the demo provider accepts as a live match; any other token is a mismatch. */
export const DEMO_FACE_MATCH = "demo-face-match";

/** The demo provider (embedded mode and tests only): matches the agreed token, compares no face. */
export const demoFaceVerifier: FaceVerifier = {
  name: "demo (embedded mode and tests only; compares no face)",
  async verify(check) {
    return { matched: check.faceToken === DEMO_FACE_MATCH, reference: `demo-${Date.now()}` };
  },
};

/** HEALTH_CODE_FACE_VERIFIER_URL names the provider; production refuses to start without one. */
export function faceVerifierFromEnv(env: NodeJS.ProcessEnv): FaceVerifier {
  const url = urlFromEnv(env, "HEALTH_CODE_FACE_VERIFIER_URL");
  if (url) return httpFaceVerifier(url, { apiKey: optionalEnv(env, "HEALTH_CODE_FACE_VERIFIER_KEY") });
  if (env.NODE_ENV === "production") throw new ConfigError("HEALTH_CODE_FACE_VERIFIER_URL is required in production: the face-verification provider's endpoint.");
  return demoFaceVerifier;
}
