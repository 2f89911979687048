// Whether a person's latest negative result is still valid (seeds 000 and 004: "核酸已经4天"
// kept a resident from work). The window is a policy (48 or 72 hours in practice), configured
// once (TESTING_NEGATIVE_VALID_HOURS) and overridable per query.
import { ConfigError } from "../../kernel/config/env";
import { fail } from "../../kernel/runtime/errors";

export const DEFAULT_NEGATIVE_VALID_HOURS = 48;
/** The longest window a query may ask for: a week. */
export const MAX_WINDOW_HOURS = 168;

/** The configured default window, validated at start-up. */
export function negativeWindowFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.TESTING_NEGATIVE_VALID_HOURS;
  if (raw === undefined || raw === "") return DEFAULT_NEGATIVE_VALID_HOURS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WINDOW_HOURS) throw new ConfigError(`TESTING_NEGATIVE_VALID_HOURS must be a whole number of hours from 1 to ${MAX_WINDOW_HOURS} (got "${raw}").`);
  return n;
}

/** The window a query asked for, or the configured default. */
export function windowOf(asked: number | null | undefined, fallback: number): number {
  if (asked === null || asked === undefined) return fallback;
  if (!Number.isInteger(asked) || asked < 1 || asked > MAX_WINDOW_HOURS) throw fail("BAD_USER_INPUT", `windowHours is a whole number of hours from 1 to ${MAX_WINDOW_HOURS} (48 or 72 in practice).`, { field: "windowHours" });
  return asked;
}

/** The latest negative's age and validity at `now`. */
export function negativeValidity(latestNegativeAt: Date | null, windowHours: number, now: Date) {
  if (!latestNegativeAt) return { latestNegativeAt: null, ageHours: null, windowHours, valid: false, validUntil: null };
  const validUntil = new Date(latestNegativeAt.getTime() + windowHours * 3600_000);
  return { latestNegativeAt, ageHours: Math.floor((now.getTime() - latestNegativeAt.getTime()) / 3600_000), windowHours, valid: now < validUntil, validUntil };
}
