// A process's role settings: bad values stop it with a message naming the variable, event work
// moves elsewhere only over a bus other processes read, and PROCESS_NICE lowers the process's priority.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ConfigError } from "../../kernel/config/env";
import { eventWorkFromEnv, niceFromEnv } from "../../kernel/config/processRole";

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
