// `npm start`: the whole graph on the embedded default. The four silos run in this one process,
// each with its own PGlite database under the data directory and its own HTTP port, and share
// one in-process event bus: an in-process bus connects only silos in the same process, and
// embedded mode has no Redis. The gateway is its own process and starts once every subgraph is
// ready. Ctrl-C stops them all. (`npm run start:<silo>` still runs one silo alone.)
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { DEFAULT_PORTS, SILOS } from "../kernel/config/silos";
import { dataDirFromEnv, loadSecrets } from "../kernel/config/secrets";
import { buildCity } from "../kernel/demo/city";
import { maskName } from "../kernel/identity";
import { busFromEnv, consoleLogger } from "../kernel/runtime/eventBus";
import { startTracingFromEnv } from "../kernel/observability";
import { startSiloFromEnv, type RunningSilo } from "../kernel/runtime/silo";
import { declareGroups } from "../kernel/runtime/siloEvents";
import { ALL_CONSUMER_GROUPS, SILO_MODULES } from "../subgraphs/silos";
import { startFeed } from "../gateway/feed/server";
import { loadFeedConfig } from "../gateway/feed/config";

const root = join(__dirname, "..");
const children: ChildProcess[] = [];
const silos: RunningSilo[] = [];
const bus = busFromEnv(process.env, consoleLogger("events"));

function launch(name: string, file: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, file)], { cwd: root, env: process.env, stdio: ["ignore", "inherit", "inherit"] });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the graph.`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitReady(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready within ${deadlineMs / 1000} s`);
}

let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.allSettled(silos.map((s) => s.stop()))
    .then(() => bus.close())
    .finally(() => process.exit(code));
}

async function main() {
  startTracingFromEnv();
  const dataDir = dataDirFromEnv(process.env);
  const secrets = loadSecrets(process.env, dataDir); // creates the dev keys once, before the children race for them
  process.env.DATA_DIR = dataDir;
  const port = (name: keyof typeof DEFAULT_PORTS, prefix: string) => Number(process.env[`${prefix}_PORT`] ?? DEFAULT_PORTS[name]);
  // Every group exists before any silo publishes, so none misses what the bus already handed others.
  declareGroups(bus, ALL_CONSUMER_GROUPS);
  await Promise.all(SILOS.map(async (silo) => {
    const m = SILO_MODULES[silo];
    silos.push(await startSiloFromEnv(silo, m.factory, m.dir, process.env, bus));
  }));
  launch("gateway", "gateway/index.ts");
  const gatewayPort = port("gateway", "GATEWAY");
  await waitReady(`http://127.0.0.1:${gatewayPort}/ready`, 60_000);
  // The live check-in feed runs here, beside the silos: embedded mode's check-in hints are in-process.
  const feed = await startFeed(loadFeedConfig(process.env));
  const city = buildCity(secrets.pepper, Number(process.env.DEMO_RESIDENTS ?? 300));
  const demo = city.residents.slice(0, 3);
  console.log(`
The graph is up: http://127.0.0.1:${gatewayPort}/graphql  (data in ${dataDir})

Get a token for a role (demo city residents have valid ID numbers):
  npm run -s token -- RESIDENT --id-number ${demo[0]!.idNumber}     # ${maskName(demo[0]!.name)}
  npm run -s token -- SAMPLER --site ${city.sites[0]!.id}
  npm run -s token -- LAB --agency ${city.sites[0]!.agencyId}
  npm run -s token -- COMMUNITY_OFFICER --community ${demo[0]!.community}
  npm run -s token -- EPIDEMIOLOGIST --purpose CASE-2022-0126
  npm run -s token -- GUARDIAN          # a demo guardian with face-verified wards: { wards { name healthCode { colour } } }
  npm run -s token -- AUDITOR           # de-identified: { statusCounts { colour residents } disclosureAudit { healthCode { personId fields } } }

  npm run -s token -- REGISTRAR        # live visitors: ${feed.url} (GraphQL over SSE: subscription { checkIns { name documentNumber colour alert } })

Then, for example:
  curl -s http://127.0.0.1:${gatewayPort}/graphql -H 'content-type: application/json' \\
    -H "authorization: Bearer $(npm run -s token -- RESIDENT --id-number ${demo[0]!.idNumber})" \\
    -d '{"query":"{ me { name healthCode { colour label } latestTest { status } checkIns(last: 3) { venue { name } checkedInAt } } }"}'
Ctrl-C stops everything.`);
}

process.once("SIGINT", () => stop(0));
process.once("SIGTERM", () => stop(0));
main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  stop(1);
});
