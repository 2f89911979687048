// The venues silo's own settings, read and validated once when the silo is created.
import { ConfigError, optionalEnv } from "../../kernel/config/env";

export interface VenuesConfig {
  /** How long a deleted register's check-ins stay for epidemic tracing before the purge (seed 003). */
  retentionDays: number;
  /** How long a register's printed QR code stays valid before the registrar must renew it. */
  codeTtlDays: number;
  /** How often the retention job runs; 0 turns the schedule off (tests run it by hand). */
  purgeIntervalMinutes: number;
  /** At how many registers one testing code (核酸码) may check its holder in before a further scan is a replay. */
  testingCodeMaxRegisters: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, allowZero = false): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new ConfigError(`${name} must be a ${allowZero ? "non-negative" : "positive"} number (got "${raw}").`);
  return n;
}

/** Reads VENUES_RETENTION_DAYS (28), REGISTER_CODE_TTL_DAYS (365), VENUES_PURGE_INTERVAL_MINUTES (60) and VENUES_TESTING_CODE_MAX_REGISTERS (1). */
export function venuesConfigFromEnv(env: NodeJS.ProcessEnv = process.env): VenuesConfig {
  return {
    retentionDays: positive(env, "VENUES_RETENTION_DAYS", 28),
    codeTtlDays: positive(env, "REGISTER_CODE_TTL_DAYS", 365),
    purgeIntervalMinutes: positive(env, "VENUES_PURGE_INTERVAL_MINUTES", 60, true),
    testingCodeMaxRegisters: Math.floor(positive(env, "VENUES_TESTING_CODE_MAX_REGISTERS", 1)) || 1,
  };
}
