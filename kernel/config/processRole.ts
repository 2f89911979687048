// A process's role in a split deployment. Bulk work (a lab's upload, the event consumers that
// apply it) runs in its own processes at a lower OS priority, so on a busy machine the scheduler
// gives the CPU to the processes that answer interactive reads first; unset, a process does
// everything at normal priority, as in `npm start`.
import { readFileSync, writeFileSync } from "node:fs";
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

/**
 * Lowers this process's priority to PROCESS_NICE; never raises it (that needs privileges), so a process started lower stays so.
 *
 * Linux with autogroup scheduling (`/proc/sys/kernel/sched_autogroup_enabled`, on in most
 * distributions) shares the CPU between sessions first, and a process's nice counts only against
 * processes of its own session. A process that leads its own session (started detached, as a
 * supervisor or `bench/support/processes.ts` starts services) therefore also gives its session's
 * group the same nice (`/proc/self/autogroup`): the group's CPU weight then drops as a container's
 * does with `cpu_shares`. One that does not lead its session leaves the group alone, since that
 * would lower every process of the session that started it.
 */
export function applyNiceFromEnv(env: NodeJS.ProcessEnv): number {
  const nice = niceFromEnv(env);
  if (nice > getPriority(0)) setPriority(0, nice);
  if (nice > 0) lowerOwnAutogroup(nice);
  return getPriority(0);
}

/** The nice of this process's autogroup, or undefined where there is none (not Linux, autogroup off, no /proc). */
export function autogroupNice(): number | undefined {
  try {
    const m = /nice (-?\d+)/.exec(readFileSync("/proc/self/autogroup", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** True when this process leads its own session (its pid is its session id, /proc/self/stat's sixth field). */
function leadsOwnSession(): boolean {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // The second field is the command in parentheses, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[3]) === process.pid;
  } catch {
    return false;
  }
}

function lowerOwnAutogroup(nice: number): void {
  const current = autogroupNice();
  if (current === undefined || current >= nice || !leadsOwnSession()) return;
  try {
    writeFileSync("/proc/self/autogroup", String(nice));
  } catch {
    // Refused (a hardened /proc): the process's own nice still applies within its session.
  }
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
