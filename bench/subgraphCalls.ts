// `npx tsx bench/subgraphCalls.ts [--baseline DIR] [--rounds 5] [--seconds 3]`: what one subgraph
// call costs the subgraph, measured on the services-mode stack (bench/support/stack.ts) with the
// gateway left idle. Per silo that the resident query reaches (health-code, testing, venues), two
// calls straight to the subgraph with a valid Viewer header and eight distinct residents:
//   - "fixed": `_entities { ... on Person { id } }`, which reads nothing: the HTTP bridge, Apollo
//     Server's pipeline, context, Viewer header, plugins and the response, and nothing else;
//   - "resident": the silo's part of the resident query (what the gateway's plan asks of it).
// Per variant: CPU ms per request of the silo's process (from /proc); the statements each call
// sends are pinned by test/health-code/statusReadPath.test.ts and test/unit/loaders.test.ts. With --baseline DIR a second set of the three silos from another
// checkout serves the same databases in the same interleaved rounds (`<silo>@base`): compare the
// ratios of one run, and swap the positions (`--root`) to cancel the position's bias.
// Prints a table and one JSON line; asserts nothing.
import { signViewerHeader, VIEWER_HEADER } from "../kernel/auth/viewerHeader";
import { envPrefix, type Silo } from "../kernel/config/silos";
import { freePort, startStack } from "./support/stack";
import { answers200, cpuSeconds, startService, stopServices, type Service } from "./support/processes";
import { closeAgent, drive, post } from "./support/load";
import { median, r2 } from "./support/stats";
import { argText } from "./support/args";

const ROUNDS = Number(argText("rounds") ?? 5), SECONDS = Number(argText("seconds") ?? 3), CONCURRENCY = Number(argText("concurrency") ?? 8);
const BASELINE = argText("baseline");
const ROOT = argText("root");
/** Starts the --root and --baseline silos with --cpu-prof into this directory. */
const PROFILE = argText("profile");
/** Which calls to measure: fixed, resident or both (default). */
const KINDS = (argText("kinds") ?? "fixed,resident").split(",");
const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

const SILOS_REACHED: Silo[] = ["health-code", "testing", "venues"];
/** Each silo's part of the resident query, as the gateway's plan asks for it. */
const RESIDENT_FIELDS: Record<string, string> = {
  "health-code": "name healthCode { colour label causes { kind howToClear } }",
  testing: "latestNegativeResultAt resultsChecked latestTest { status resultAt }",
  venues: "checkIns(last: 3) { checkedInAt venue { name } }",
};


async function main() {
  const stack = await startStack({ admin: ADMIN, redis: REDIS, residents: 300 });
  const extra: Service[] = [];
  try {
    // The stack's own silos run from this checkout; --root runs them from another instead, as a second set.
    const sets: Array<{ suffix: string; root?: string }> = [{ suffix: "" }];
    const roots = [ROOT ? { suffix: "@root", root: ROOT } : undefined, BASELINE ? { suffix: "@base", root: BASELINE } : undefined].filter(Boolean) as Array<{ suffix: string; root: string }>;
    for (const set of roots) {
      for (const silo of SILOS_REACHED) {
        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        extra.push(await startService(`${silo}${set.suffix}`, `subgraphs/${silo}/index.ts`, { ...stack.env, SEED_DEMO: "", [`${envPrefix(silo)}_PORT`]: String(port) }, `${base}/graphql`, answers200(`${base}/ready`), { root: set.root, profileDir: PROFILE }));
      }
      sets.push(set);
    }
    if (ROOT) sets.shift(); // with --root, the stack's own silos stay idle and the @root set is measured
    const services = [...stack.services, ...extra];
    const url = (name: string) => services.find((s) => s.name === name)!.url;
    const pid = (name: string) => services.find((s) => s.name === name)!.proc.pid!;
    const residents = stack.city.residents.filter((r) => stack.city.swabs.some((s) => s.personId === r.personId) && stack.city.checkIns.some((c) => c.personId === r.personId)).slice(0, 8);
    const headers = await Promise.all(residents.map((r) => signViewerHeader({ role: "RESIDENT", subject: r.personId }, stack.secrets.viewerKey, 3600)));
    const call = (name: string, silo: string, fields: string) => (i: number) => {
      const r = residents[i % residents.length]!;
      const rep: Record<string, unknown> = { __typename: "Person", id: r.personId };
      if (silo === "health-code" && fields !== "id") Object.assign(rep, { latestNegativeResultAt: null, resultsChecked: true });
      return post(url(name), { query: `query($r:[_Any!]!){ _entities(representations:$r){ ... on Person { ${fields} } } }`, variables: { r: [rep] } }, { [VIEWER_HEADER]: headers[i % headers.length]! });
    };
    type Variant = { name: string; silo: Silo; process: string; kind: string; once: (i: number) => Promise<unknown> };
    const variants: Variant[] = [];
    for (const silo of SILOS_REACHED) {
      for (const set of sets) {
        const proc = `${silo}${set.suffix}`;
        if (KINDS.includes("fixed")) variants.push({ name: `${proc} fixed`, silo, process: proc, kind: "fixed", once: call(proc, silo, "id") });
        if (KINDS.includes("resident")) variants.push({ name: `${proc} resident`, silo, process: proc, kind: "resident", once: call(proc, silo, RESIDENT_FIELDS[silo]!) });
      }
    }
    for (const v of variants) await drive(v.once, 1, CONCURRENCY); // warm-up
    const results = new Map<string, Array<{ cpuMs: number; rps: number }>>();
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(k + round) % variants.length]!;
        const c0 = cpuSeconds(pid(v.process));
        const run = await drive(v.once, SECONDS, CONCURRENCY);
        const c1 = cpuSeconds(pid(v.process));
        const n = Math.max(1, run.requests);
        const list = results.get(v.name) ?? [];
        list.push({ cpuMs: ((c1 - c0) * 1000) / n, rps: run.requests / run.seconds });
        results.set(v.name, list);
        if (run.errors) console.error(`${v.name}: ${run.errors} errors, first: ${run.firstError}`);
      }
    }
    const { loadavg } = await import("node:os");
    console.log(`subgraph calls, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONCURRENCY} in flight, 8 distinct residents; load average ${loadavg().map(r2).join(" ")}`);
    console.log("| variant | req/s median | CPU ms/request median [min-max] |\n| --- | --- | --- |");
    const out: Record<string, unknown> = {};
    for (const v of variants) {
      const rs = results.get(v.name)!;
      const cpu = rs.map((x) => x.cpuMs);
      out[v.name] = { rps: r2(median(rs.map((x) => x.rps))), cpuMs: r2(median(cpu)), cpuMin: r2(Math.min(...cpu)), cpuMax: r2(Math.max(...cpu)) };
      console.log(`| ${v.name} | ${r2(median(rs.map((x) => x.rps)))} | ${r2(median(cpu))} [${r2(Math.min(...cpu))}-${r2(Math.max(...cpu))}] |`);
    }
    if (sets.length > 1) {
      for (const silo of SILOS_REACHED) for (const kind of KINDS) {
        const [a, b] = sets.map((s) => (out[`${silo}${s.suffix} ${kind}`] as { cpuMs: number }).cpuMs);
        console.log(`${silo} ${kind}: CPU ${sets[0]!.suffix || "this"} / ${sets[1]!.suffix} = ${r2(a! / b!)}`);
      }
    }
    console.log(JSON.stringify({ loadAverage: loadavg().map(r2), rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY, baseline: BASELINE ?? null, root: ROOT ?? null, results: out }));
  } finally {
    await stopServices(extra);
    await stack.stop();
    closeAgent();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
