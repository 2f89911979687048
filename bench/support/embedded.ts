// The embedded scenario of `npm run bench`: the graph as `npm start` runs it (the four silos in one
// process on PGlite with an in-process event bus, the gateway as its own child process), on a
// throwaway data directory and free ports. The resident query and `me { name }` through the
// gateway, distinct viewers, interleaved rounds; CPU per request of the silos' process and of the
// gateway process, read from /proc.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signToken } from "../../kernel/auth/tokens";
import { SILOS, envPrefix } from "../../kernel/config/silos";
import { buildCity } from "../../kernel/demo/city";
import { closeAgent, drive, post } from "./load";
import { answers200, cpuSeconds, startService, stopServices, type Service } from "./processes";
import { median, r2 } from "./stats";

export interface EmbeddedOptions {
  rounds: number;
  seconds: number;
  concurrency: number;
  residents: number;
  freePort: () => Promise<number>;
  queries: Record<string, string>;
}

/** Pids whose parent is `pid` and whose command line contains `needle` (the gateway that `npm start` spawns, not tsx's esbuild). */
function childrenOf(pid: number, needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export interface EmbeddedGraph {
  gatewayUrl: string;
  silosPid: number;
  gatewayPid: number | undefined;
  keys: { token: string; viewer: string; pepper: string };
  stop(): Promise<void>;
}

/** Starts `npm start` (scripts/start.ts) on a throwaway data directory and free ports, with fresh keys. */
export async function startEmbeddedGraph(o: { residents: number; freePort: () => Promise<number>; env?: Record<string, string> }): Promise<EmbeddedGraph> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-embedded-"));
  const keys = { token: randomBytes(32).toString("base64url"), viewer: randomBytes(32).toString("base64url"), pepper: randomBytes(32).toString("base64url") };
  const env: Record<string, string> = {
    DATA_DIR: dataDir, AUTH_TOKEN_SECRET: keys.token, VIEWER_HEADER_SECRET: keys.viewer, PERSON_ID_PEPPER: keys.pepper,
    DEMO_RESIDENTS: String(o.residents), HOST: "127.0.0.1", LOG_LEVEL: "warn", REDIS_URL: "",
    GATEWAY_PORT: String(await o.freePort()), FEED_PORT: String(await o.freePort()), ...o.env,
  };
  for (const silo of SILOS) {
    env[`${envPrefix(silo)}_PORT`] = String(await o.freePort());
    env[`${envPrefix(silo)}_DATABASE_URL`] = "";
    env[`${envPrefix(silo)}_URL`] = "";
  }
  const gatewayUrl = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  const services: Service[] = [];
  const stop = async () => {
    closeAgent();
    // npm start stops its gateway child itself on SIGTERM.
    await stopServices(services);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    services.push(await startService("embedded", "scripts/start.ts", env, `${gatewayUrl}/graphql`, answers200(`${gatewayUrl}/ready`)));
  } catch (err) {
    await stop();
    throw err;
  }
  const silosPid = services[0]!.proc.pid!;
  return { gatewayUrl, silosPid, gatewayPid: childrenOf(silosPid, "gateway/index.ts")[0], keys, stop };
}

/** Runs the scenario; returns per query the median req/s and CPU ms per request of each process. */
export async function embeddedScenario(o: EmbeddedOptions): Promise<Array<Record<string, unknown>>> {
  const g = await startEmbeddedGraph(o);
  const { gatewayUrl, silosPid, gatewayPid, keys } = g;
  try {
    const city = buildCity(Buffer.from(keys.pepper), o.residents);
    const tokens = await Promise.all(city.residents.slice(0, 8).map((r) => signToken({ role: "RESIDENT", subject: r.personId }, Buffer.from(keys.token), 3600)));
    const once = (q: string) => (i: number) => post(`${gatewayUrl}/graphql`, { query: q }, { authorization: `Bearer ${tokens[i % tokens.length]}` });
    for (const q of Object.values(o.queries)) for (let i = 0; i < 40; i++) await once(q)(i); // warm-up
    const samples: Record<string, Array<{ rps: number; silos: number; gateway: number }>> = {};
    for (let round = 0; round < o.rounds; round++) {
      for (const [name, q] of Object.entries(o.queries)) {
        const before = [cpuSeconds(silosPid), gatewayPid ? cpuSeconds(gatewayPid) : 0];
        const run = await drive(once(q), o.seconds, o.concurrency);
        if (run.errors > 0) throw new Error(`embedded ${name}: ${run.errors} failed requests: ${run.firstError}`);
        const after = [cpuSeconds(silosPid), gatewayPid ? cpuSeconds(gatewayPid) : 0];
        (samples[name] ??= []).push({ rps: run.requests / run.seconds, silos: ((after[0]! - before[0]!) * 1000) / run.requests, gateway: ((after[1]! - before[1]!) * 1000) / run.requests });
      }
    }
    return Object.entries(samples).map(([scenario, list]) => ({
      scenario,
      rps: { median: r2(median(list.map((s) => s.rps))), min: r2(Math.min(...list.map((s) => s.rps))), max: r2(Math.max(...list.map((s) => s.rps))) },
      cpuMs: { silos: r2(median(list.map((s) => s.silos))), gateway: gatewayPid ? r2(median(list.map((s) => s.gateway))) : null },
    }));
  } finally {
    await g.stop();
  }
}
