// The feed's settings, read and checked once at start-up.
import { optionalEnv, portFromEnv, urlFromEnv } from "../../kernel/config/env";
import { dataDirFromEnv, loadSecrets } from "../../kernel/config/secrets";
import { DEFAULT_PORTS } from "../../kernel/config/silos";
import { hintsFromEnv } from "../../kernel/feed/hints";
import type { FeedOptions } from "./server";

/** The feed's default port: the one after the last subgraph's. */
export const DEFAULT_FEED_PORT = 4005;

/** FEED_PORT (4005), GATEWAY_URL (the local gateway), the client-token settings the gateway uses, REDIS_URL for hints. */
export function loadFeedConfig(env: NodeJS.ProcessEnv = process.env): FeedOptions {
  const gatewayPort = portFromEnv(env, "GATEWAY_PORT", DEFAULT_PORTS.gateway);
  return {
    port: portFromEnv(env, "FEED_PORT", DEFAULT_FEED_PORT),
    host: optionalEnv(env, "HOST"),
    gatewayUrl: urlFromEnv(env, "GATEWAY_URL", `http://127.0.0.1:${gatewayPort}/graphql`)!,
    tokens: { hs256Secret: loadSecrets(env, dataDirFromEnv(env)).tokenSecret, jwksUrl: urlFromEnv(env, "AUTH_JWKS_URL") },
    hints: hintsFromEnv(env),
  };
}
