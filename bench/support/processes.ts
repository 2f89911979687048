// The processes a benchmark measures: each service started as its own Node process (node
// --import tsx, so the pid is the process doing the work), and CPU read per process from
// /proc/<pid>/stat (user + system ticks), so the load generator's own CPU is never counted.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface Service {
  name: string;
  proc: ChildProcess;
  url: string;
}

/** True when GET `url` answers 200. */
export const answers200 = (url: string) => () => fetch(url).then((r) => r.status === 200);

/** CPU seconds used so far by `pid` (user + system); 0 if it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export interface StartOptions {
  /** The checkout to run `file` from (default: this one); a baseline stack runs from another. */
  root?: string;
  /** Write a V8 CPU profile (--cpu-prof) into this directory when the process exits. */
  profileDir?: string;
  /**
   * Start the service in a session of its own (default true), as a supervisor or a container
   * would: under Linux's autogroup scheduling each session is a scheduling group, so the CPU is
   * shared between the services (and PostgreSQL, a session of its own) as between containers,
   * and a bulk process's PROCESS_NICE also lowers its group's weight (kernel/config/processRole.ts).
   * False: every service shares the load generator's group, whose share as a whole is weighed
   * against PostgreSQL's.
   */
  ownSession?: boolean;
}

/** Services still running, stopped if this process is interrupted (they lead sessions of their own, so the terminal's signal does not reach them). */
const running = new Set<ChildProcess>();
let stopOnSignal = false;
function stopOnInterrupt(): void {
  if (stopOnSignal) return;
  stopOnSignal = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      for (const proc of running) proc.kill("SIGKILL");
      process.exit(128 + constants.signals[signal]);
    });
  }
  process.once("exit", () => {
    for (const proc of running) proc.kill("SIGKILL");
  });
}

/** Starts `file` (relative to the repository) as a Node process with `env`; resolves once `ready()` is true. */
export async function startService(name: string, file: string, env: Record<string, string>, url: string, ready: () => Promise<boolean>, opts: StartOptions = {}): Promise<Service> {
  const root = opts.root ?? join(__dirname, "..", "..");
  const profile = opts.profileDir ? ["--cpu-prof", "--cpu-prof-dir", opts.profileDir, "--cpu-prof-name", `${name}.${Date.now()}.cpuprofile`] : [];
  const proc = spawn(process.execPath, [...profile, "--import", "tsx", join(root, file)], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"], detached: opts.ownSession ?? true });
  stopOnInterrupt();
  running.add(proc);
  proc.once("exit", () => running.delete(proc));
  let stderr = "";
  proc.stderr!.on("data", (c: Buffer) => void (stderr = (stderr + c.toString()).slice(-4000)));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}): ${stderr}`);
    const ok = await ready().catch(() => false);
    if (ok) return { name, proc, url };
    if (Date.now() > deadline) throw new Error(`${name} not ready after 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Stops services (SIGTERM, then SIGKILL after 5 s). */
export async function stopServices(services: Service[]): Promise<void> {
  await Promise.all(
    services.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.proc.exitCode !== null) return resolve();
          const kill = setTimeout(() => s.proc.kill("SIGKILL"), 5_000);
          s.proc.once("exit", () => (clearTimeout(kill), resolve()));
          s.proc.kill("SIGTERM");
        }),
    ),
  );
}
