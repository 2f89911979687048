// The appeals silo's settings, read and checked once at start-up.
import { ConfigError, optionalEnv } from "../../kernel/config/env";

export interface AppealsConfig {
  /** An open appeal older than this is overdue and escalated (seed 004: some communities clear a pop-up in 10 hours). */
  slaHours: number;
  /** How often the escalation job runs; 0 turns the timer off (tests call the job directly). */
  escalationEveryMs: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number, allowZero = false): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < (allowZero ? 0 : Number.MIN_VALUE) || n > max) throw new ConfigError(`${name} must be a number from ${allowZero ? 0 : "above 0"} to ${max} (got "${raw}").`);
  return n;
}

/** Reads APPEALS_SLA_HOURS (default 10) and APPEALS_ESCALATION_EVERY_MS (default 5 minutes). */
export function appealsConfig(env: NodeJS.ProcessEnv = process.env): AppealsConfig {
  return { slaHours: positive(env, "APPEALS_SLA_HOURS", 10, 24 * 30), escalationEveryMs: positive(env, "APPEALS_ESCALATION_EVERY_MS", 300_000, 86_400_000, true) };
}
