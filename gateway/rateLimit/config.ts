// Rate limits at the gateway: per client address, per authenticated subject, and a much smaller
// budget of failed sign-ins per address (guessing tokens should be slow). Windows in seconds.
import { ConfigError } from "../../kernel/config/env";

export interface Budget {
  points: number;
  seconds: number;
}

export interface RateLimits {
  enabled: boolean;
  perAddress: Budget;
  perSubject: Budget;
  failedAuthPerAddress: Budget;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  enabled: true,
  // A venue's shared Wi-Fi or a carrier NAT puts many people behind one address.
  perAddress: { points: 3000, seconds: 10 },
  perSubject: { points: 300, seconds: 10 },
  failedAuthPerAddress: { points: 60, seconds: 60 },
};

function budget(env: NodeJS.ProcessEnv, name: string, fallback: Budget): Budget {
  const raw = env[name];
  if (!raw) return fallback;
  const match = /^(\d+)\/(\d+)s$/.exec(raw);
  if (!match || Number(match[1]) <= 0 || Number(match[2]) <= 0) throw new ConfigError(`${name} must look like 300/10s (requests per seconds), got "${raw}".`);
  return { points: Number(match[1]), seconds: Number(match[2]) };
}

/** RATE_LIMIT_ADDRESS, RATE_LIMIT_SUBJECT, RATE_LIMIT_FAILED_AUTH as "points/seconds s"; RATE_LIMITS=off disables. */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv): RateLimits {
  return {
    enabled: env.RATE_LIMITS !== "off",
    perAddress: budget(env, "RATE_LIMIT_ADDRESS", DEFAULT_RATE_LIMITS.perAddress),
    perSubject: budget(env, "RATE_LIMIT_SUBJECT", DEFAULT_RATE_LIMITS.perSubject),
    failedAuthPerAddress: budget(env, "RATE_LIMIT_FAILED_AUTH", DEFAULT_RATE_LIMITS.failedAuthPerAddress),
  };
}
