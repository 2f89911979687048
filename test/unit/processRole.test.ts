// A process's role settings: bad values stop it with a message naming the variable, event work
// moves elsewhere only over a bus other processes read, and PROCESS_NICE lowers the process's
// priority (and its scheduling group's, when it leads its own session).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../kernel/config/env";
import { autogroupNice, eventWorkFromEnv, niceFromEnv } from "../../kernel/config/processRole";

test("PROCESS_NICE is a whole number from 0 to 19, 0 when unset", () => {
  expect(niceFromEnv({})).toBe(0);
  expect(niceFromEnv({ PROCESS_NICE: "10" })).toBe(10);
  for (const bad of ["-1", "20", "1.5", "low"]) expect(() => niceFromEnv({ PROCESS_NICE: bad })).toThrow(/PROCESS_NICE must be a whole number from 0 to 19/);
});

test("event work is on unless turned off, and off needs REDIS_URL", () => {
  expect(eventWorkFromEnv({})).toEqual({ consumers: true, relay: true });
  expect(eventWorkFromEnv({ EVENT_CONSUMERS: "off", EVENT_RELAY: "OFF", REDIS_URL: "redis://127.0.0.1:6379" })).toEqual({ consumers: false, relay: false });
  expect(() => eventWorkFromEnv({ EVENT_RELAY: "off" })).toThrow(ConfigError);
  expect(() => eventWorkFromEnv({ EVENT_CONSUMERS: "off" })).toThrow(/need REDIS_URL/);
  expect(() => eventWorkFromEnv({ EVENT_CONSUMERS: "no", REDIS_URL: "redis://x" })).toThrow(/EVENT_CONSUMERS must be "on" or "off"/);
});

test("applyNiceFromEnv lowers the process's own priority", () => {
  const root = join(__dirname, "..", "..");
  const script = `const { getPriority } = require("node:os"); const { applyNiceFromEnv } = require("./kernel/config/processRole"); const before = getPriority(); applyNiceFromEnv(process.env); console.log(before, getPriority());`;
  const out = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, env: { ...process.env, PROCESS_NICE: "7" }, encoding: "utf8" });
  expect(out.stderr).toBe("");
  const [before, after] = out.stdout.trim().split(" ").map(Number);
  expect(after).toBe(Math.max(before!, 7));
  expect(after).toBeGreaterThan(0);
});

/** Runs a Node script in a child (its own session when `detached`) and resolves its stdout. */
function runChild(script: string, env: Record<string, string>, detached: boolean): Promise<{ out: string; err: string }> {
  const root = join(__dirname, "..", "..");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, env: { ...process.env, ...env }, detached, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("exit", () => resolve({ out, err }));
  });
}

// Linux's autogroup scheduling weighs sessions against each other first: a bulk process that leads
// its own session lowers its group's weight too, and one that shares its launcher's session never
// lowers the launcher's group. Where there is no autogroup (another OS, or it is off) nothing can be shown.
const haveAutogroup = autogroupNice() !== undefined && readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim() === "1";
(haveAutogroup ? test : test.skip)("PROCESS_NICE also lowers the process's scheduling group when it leads its own session, and only then", async () => {
  const script = `const { autogroupNice, applyNiceFromEnv } = require("./kernel/config/processRole"); const before = autogroupNice(); applyNiceFromEnv(process.env); console.log(before, autogroupNice());`;
  const own = await runChild(script, { PROCESS_NICE: "7" }, true);
  expect(own.err).toBe("");
  expect(own.out.trim().split(" ").map(Number)).toEqual([0, 7]);

  // A process sharing its launcher's session: the launcher (in a fresh session here, so that no
  // other test's process can have lowered the group already) keeps its group's weight.
  const launcher = `const { spawnSync } = require("node:child_process"); const { autogroupNice } = require("./kernel/config/processRole"); const before = autogroupNice();
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", 'require("./kernel/config/processRole").applyNiceFromEnv(process.env); console.log(require("node:os").getPriority())'], { env: { ...process.env, PROCESS_NICE: "7" }, encoding: "utf8" });
    console.log(before, autogroupNice(), r.stdout.trim());`;
  const shared = await runChild(launcher, {}, true);
  expect(shared.err).toBe("");
  expect(shared.out.trim().split(" ").map(Number)).toEqual([0, 0, 7]);

  // Unset, a process in a session of its own leaves its group's weight as it was.
  const normal = await runChild(script, {}, true);
  expect(normal.out.trim().split(" ").map(Number)).toEqual([0, 0]);
});
