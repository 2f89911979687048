// A process's role in a split deployment. Bulk work (a lab's upload, the event consumers that
// apply it) runs in its own processes at a lower OS priority, so on a busy machine the scheduler
// gives the CPU to the processes that answer interactive reads first; unset, a process does
// everything at normal priority, as in `npm start`.
import { getPriority, setPriority } from "node:os";
import { ConfigError, optionalEnv } from "./env";

/** PROCESS_NICE: 0 (default) to 19, applied to this process at start-up; higher yields the CPU to others. */
export function niceFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = optionalEnv(env, "PROCESS_NICE");
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new ConfigError(`PROCESS_NICE must be a whole number from 0 to 19 (got "${raw}").`);
  return n;
}

/** Lowers this process's priority to PROCESS_NICE; never raises it (that needs privileges), so a process started lower stays so. */
export function applyNiceFromEnv(env: NodeJS.ProcessEnv): number {
  const nice = niceFromEnv(env);
  if (nice > getPriority(0)) setPriority(0, nice);
  return getPriority(0);
}

function onOff(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = optionalEnv(env, name)?.toLowerCase();
  if (raw === undefined || raw === "on") return true;
  if (raw === "off") return false;
  throw new ConfigError(`${name} must be "on" or "off" (got "${raw}").`);
}

/**
 * Which of a silo's event work this process does: EVENT_CONSUMERS (its consumer groups) and
 * EVENT_RELAY (publishing its outbox), each "on" (default) or "off" when another process of the
 * same silo does it. Off needs REDIS_URL: on the in-process bus nothing else would see the events.
 */
export function eventWorkFromEnv(env: NodeJS.ProcessEnv): { consumers: boolean; relay: boolean } {
  const work = { consumers: onOff(env, "EVENT_CONSUMERS"), relay: onOff(env, "EVENT_RELAY") };
  if ((!work.consumers || !work.relay) && !optionalEnv(env, "REDIS_URL")) {
    throw new ConfigError("EVENT_CONSUMERS=off and EVENT_RELAY=off need REDIS_URL: without it events stay in this process, so another process could not take that work.");
  }
  return work;
}
