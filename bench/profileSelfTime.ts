// Self time of a V8 CPU profile (`--profile DIR` writes them), summed by package or file and by
// function, over a window of seconds from the profile's start (the steady state: the per-second
// busy line it prints first shows where start-up ends and the load stops).
//
//   npx tsx bench/profileSelfTime.ts /tmp/prof/gateway.*.cpuprofile [FROM:TO] [TOP]
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, window = "0:99999", topArg = "40"] = process.argv.slice(2);
if (!file) {
  console.error("usage: npx tsx bench/profileSelfTime.ts FILE.cpuprofile [FROM:TO seconds] [TOP]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const [fromS = 0, toS = 99999] = window.split(":").map(Number);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const from = profile.startTime + fromS * 1e6;
const to = profile.startTime + toS * 1e6;

const self = new Map<number, number>();
const busy = new Map<number, number>();
let t = profile.startTime;
let total = 0;
profile.samples.forEach((id, i) => {
  t += profile.timeDeltas[i] ?? 0;
  const us = profile.timeDeltas[i + 1] ?? 0;
  const second = Math.floor((t - profile.startTime) / 1e6);
  if (byId.get(id)?.callFrame.functionName !== "(idle)") busy.set(second, (busy.get(second) ?? 0) + us);
  if (t < from || t > to) return;
  self.set(id, (self.get(id) ?? 0) + us);
  total += us;
});
console.log("busy per second:", [...busy].map(([s, us]) => `${s}:${Math.round(us / 1e4)}%`).join(" "));

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("node_modules/");
  const rest = modules >= 0 ? path.slice(modules + "node_modules/".length) : "";
  const pkg = modules >= 0 ? rest.split("/").slice(0, rest.startsWith("@") ? 2 : 1).join("/") : path.replace(process.cwd() + "/", "") || functionName;
  const fn = `${functionName || "(anonymous)"} ${path.split("/").slice(-2).join("/")}:${lineNumber}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}
const show = (m: Map<string, number>, n: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, us]) => console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`));
console.log(`window ${fromS}–${toS} s: ${(total / 1000).toFixed(0)} ms sampled`);
console.log("--- self time by package or file");
show(byPackage, 30);
console.log("--- self time by function");
show(byFunction, Number(topArg));
