// Results at database speed, end to end: the services-mode graph (each silo its own process on
// its own PostgreSQL database, Redis Streams, the project's gateway), a lab uploading
// 10,000-result batches through the gateway (real HTTP, a real LAB token), against COPY of as
// many rows into the same table (test_result) in the same run; how fast health-code's consumer
// applies the upload (its test_record rows, polled); and status reads through the gateway
// (`me { healthCode { colour } }`, 8 distinct residents) p50/p99 idle and during the upload.
// Idle reads are taken in two halves, before the upload and after its drain, each once the bulk
// processes are quiet, and p99 is also given over all rounds' reads pooled; `pollCpuS` is the CPU
// of the PostgreSQL backend that polls the drain (the bench's own load during the upload), and the
// CPU lines give this run's databases' backends apart (`pg:testing` etc.) from the machine's total.
// Each round also uploads as many results again with the readers stopped (`aloneS`, `ratioAlone`):
// COPY runs without readers, so `ratio` weighs the upload beside them against COPY alone; each round
// also runs COPY beside the same readers (`copyBusyPerS`, `ratioBusy`: both under the same load).
// Interleaved rounds; prints a table and one JSON line. Asserts only the counts.
// The lab uploads through the ingest path as deployed (docker-compose.yml: an ingest gateway and
// testing process, health-code's consumers in their own process, all at a lower OS priority);
// `--bulkheads off` sends the upload through the clients' gateway and silos, as a single stack.
// `uploadingP99` / `drainingP99` split the busy reads by whether they started before the upload's
// answer (testing's write) or after it (the relay's publish and the consumers' apply).
// `--read-rate R` reads at R a second, open loop, instead of `--readers` closed loops (readStatus);
// `--trace` prints each round's reads one by one, the CPU per 50 ms and the gateway's subgraph
// calls by latency (traceUpload); `--own-sessions off` starts every service in the bench's session
// (one scheduling group) instead of one each (bench/support/processes.ts).
//   npm run bench:ingest-gateway -- [--rounds 3] [--size 10000] [--residents 300] [--readers 2 | --read-rate R] [--bulkheads on|off] [--bulk-nice 10] [--own-sessions on|off] [--profile DIR] [--pg-waits] [--explain] [--trace]
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Pool } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { signToken } from "../kernel/auth/tokens";
import { readdirSync, readFileSync } from "node:fs";
import { closeAgent, post } from "./support/load";
import { cpuSeconds } from "./support/processes";
import { startStack } from "./support/stack";
import { r2, stat } from "./support/stats";
import { arg, onUnlessOff } from "./support/args";

const ROUNDS = arg("rounds", 3), N = arg("size", 10_000), RESIDENTS = arg("residents", 300), READERS = arg("readers", 2), IDLE_SECONDS = arg("idle", 3), BULK_NICE = arg("bulk-nice", 10), DRAIN_SECONDS = arg("drain", 120);
const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const PROFILE = process.argv.includes("--profile") ? process.argv[process.argv.indexOf("--profile") + 1] : undefined;
const STATUS = `{ me { healthCode { colour } } }`;
// --pg-waits: samples pg_stat_activity every 10 ms during each upload and its drain, and prints what
// the stack's active backends were doing (CPU, or the wait event), per database, and the statements
// most often active (adds one polling backend).
const PG_WAITS = process.argv.includes("--pg-waits");
// --read-rate R: open-loop status reads at R a second instead of READERS closed loops (readStatus).
const READ_RATE = arg("read-rate", 0);
const TRACE = process.argv.includes("--trace");
// --own-sessions off: every service in the bench's own session (one scheduling group), as before
// 27 Nov; on (default), each in a session of its own, as containers are (bench/support/processes.ts).
const OWN_SESSIONS = onUnlessOff("own-sessions");
const BULKHEADS = onUnlessOff("bulkheads");

/** `n` received tubes of one new box of `siteId`, one swab each (1% of persons cycle); returns their codes. */
async function freshTubes(db: Pool, siteId: string, persons: string[], n: number): Promise<string[]> {
  const box = `B-ING-${randomUUID().slice(0, 8)}`.toUpperCase();
  await db.query(`INSERT INTO transport_box (id, code, site_id, status) VALUES ($1, $1, $2, 'RECEIVED')`, [box, siteId]);
  const codes = Array.from({ length: n }, (_, i) => `${box}-${i}`.replace("B-ING", "T"));
  await db.query(`INSERT INTO sample_tube (id, code, box_id, capacity, status) SELECT c, c, $2, 1, 'RECEIVED' FROM unnest($1::text[]) c`, [codes, box]);
  await db.query(
    `INSERT INTO swab (id, tube_id, person_id, document_type, document_masked) SELECT gen_random_uuid()::text, c, p, 'CITIZEN_ID', '11**************1X' FROM unnest($1::text[], $2::text[]) AS x(c, p)`,
    [codes, codes.map((_, i) => persons[i % persons.length]!)],
  );
  return codes;
}

/** COPY `codes`' results into test_result; returns seconds. */
async function copyResults(db: Pool, codes: string[], agencyId: string): Promise<number> {
  const client = await db.connect();
  try {
    const rows = codes.map((c) => `${randomUUID()}\t${c}\tNEGATIVE\t${agencyId}\n`).join("");
    const t = performance.now();
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyFrom(`COPY test_result (id, tube_id, outcome, agency_id) FROM STDIN`));
      stream.on("finish", resolve);
      stream.on("error", reject);
      stream.end(rows);
    });
    return (performance.now() - t) / 1000;
  } finally {
    client.release();
  }
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/**
 * CPU seconds so far per service, plus every PostgreSQL and Redis process on the machine (other
 * users' too), and apart (`pg:<silo>`) the backends connected to this run's silo databases (a
 * backend's process title names its database), which other users' work does not touch.
 */
function cpuByProcess(services: Array<{ name: string; proc: { pid?: number } }>, tag: string): Map<string, number> {
  const out = new Map<string, number>(services.map((s) => [s.name, cpuSeconds(s.proc.pid ?? 0)]));
  const ours = new RegExp(` ${tag}_(\\w+) `);
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let comm = "";
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    const name = comm === "postgres" ? "postgres" : comm === "redis-server" ? "redis" : undefined;
    if (!name) continue;
    const cpu = cpuSeconds(Number(pid));
    out.set(name, (out.get(name) ?? 0) + cpu);
    if (name !== "postgres") continue;
    let title = "";
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    } catch {
      continue;
    }
    const db = ours.exec(title)?.[1];
    if (db) out.set(`pg:${db}`, (out.get(`pg:${db}`) ?? 0) + cpu);
  }
  return out;
}

/**
 * Samples the run's PostgreSQL backends (pg_stat_activity, every 10 ms) until the returned function
 * is called, which resolves to a line: mean active backends per database and state (CPU or wait
 * event), and the statements most often active.
 */
function samplePg(db: Pool, tag: string): () => Promise<string> {
  const waits = new Map<string, number>(), statements = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let sampling = true;
  const loop = (async () => {
    let n = 0;
    while (sampling) {
      const rows = (await db.query<{ db: string; w: string; q: string }>(
        `SELECT datname AS db, coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, regexp_replace(left(query, 48), '\\s+', ' ', 'g') AS q FROM pg_stat_activity
          WHERE state = 'active' AND pid <> pg_backend_pid() AND datname LIKE '%' || $1 || '%'`, [tag])).rows;
      for (const r of rows) {
        const silo = r.db.replace(/^.*?_(health_code|testing|venues|appeals).*$/, "$1");
        add(waits, `${silo} ${r.w}`);
        add(statements, `${silo} ${r.q.trim()}`);
      }
      n++;
      await new Promise((r) => setTimeout(r, 10));
    }
    return n;
  })();
  return async () => {
    sampling = false;
    const n = await loop;
    const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
    return `${n} samples, mean active backends: ${top(waits, 10).map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(", ")}; statements: ${top(statements, 8).map(([k, v]) => `[${k}] ${(v / n).toFixed(2)}`).join(", ")}`;
  };
}

/**
 * Status reads until `until()` is true; latencies in ms. Closed loop by default (READERS loops, each
 * sending its next read when its last is answered); with `--read-rate R`, open loop: a read is due
 * every 1/R s whatever the earlier ones are doing, and its latency counts from when it was due, so a
 * stall shows in every read it delays (no coordinated omission), while the readers' own load stays
 * R/s however slow the answers get.
 */
async function readStatus(once: (i: number) => Promise<unknown>, until: () => boolean, starts?: number[]): Promise<number[]> {
  if (READ_RATE > 0) return readAtRate(once, until, starts);
  const lat: number[] = [];
  let i = 0;
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      while (!until()) {
        const t = performance.now();
        await once(i++);
        lat.push(performance.now() - t);
        starts?.push(t);
      }
    }),
  );
  return lat;
}

async function readAtRate(once: (i: number) => Promise<unknown>, until: () => boolean, starts?: number[]): Promise<number[]> {
  const lat: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const t0 = performance.now();
  for (let k = 0; ; k++) {
    const due = t0 + (k * 1000) / READ_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (until()) break;
    const read: Promise<void> = once(k).then(
      () => {
        lat.push(performance.now() - due);
        starts?.push(due);
      },
      (err: unknown) => {
        failure ??= err;
      },
    ).finally(() => inFlight.delete(read));
    inFlight.add(read);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return lat;
}

/**
 * --trace: from `t0` until the returned function is called, the CPU per 50 ms of the machine (from
 * /proc/stat: user, system, idle, I/O wait, in ticks of 10 ms over both cores) and of each service
 * and silo database; then the gateway's subgraph calls over the same span by latency bucket (its
 * /metrics histogram, cumulative as Prometheus gives it), to tell a slow subgraph from a slow gateway.
 */
async function traceUpload(stack: Awaited<ReturnType<typeof startStack>>, t0: number): Promise<() => Promise<string[]>> {
  const metricsUrl = new URL("/metrics", stack.gatewayUrl).toString();
  const buckets = async () => {
    const m = new Map<string, number>();
    for (const line of (await (await fetch(metricsUrl)).text()).split("\n")) {
      if (!line.startsWith("subgraph_fetch_duration_seconds_bucket{") || !line.includes('status="200"')) continue;
      const subgraph = /subgraph="([^"]+)"/.exec(line)?.[1], le = /le="([^"]+)"/.exec(line)?.[1];
      if (subgraph && le) m.set(`${subgraph} ≤${le}s`, Number(line.slice(line.lastIndexOf(" ") + 1)));
    }
    return m;
  };
  const b0 = await buckets();
  const machine = () => readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const timeline: string[] = [];
  let tracing = true;
  const loop = (async () => {
    let prev = cpuByProcess(stack.services, stack.tag), m0 = machine();
    while (tracing) {
      await new Promise((r) => setTimeout(r, 50));
      const now = cpuByProcess(stack.services, stack.tag), m1 = machine();
      const dm = m1.map((v, k) => v - m0[k]!);
      const busiest = [...now].filter(([k]) => k !== "postgres").map(([k, v]) => [k, v - (prev.get(k) ?? 0)] as const).filter(([, d]) => d >= 0.01).sort((a, b) => b[1] - a[1]);
      timeline.push(`${(performance.now() - t0).toFixed(0)}: [user ${dm[0]! + dm[1]!} system ${dm[2]! + dm[5]! + dm[6]!} idle ${dm[3]} iowait ${dm[4]}] ${busiest.map(([k, d]) => `${k} ${(d * 1000).toFixed(0)}`).join(", ")}`);
      prev = now;
      m0 = m1;
    }
  })();
  return async () => {
    tracing = false;
    await loop;
    const b1 = await buckets();
    return [
      `CPU per 50 ms (ms after the upload's start: [machine ticks] service ms):\n  ${timeline.join("\n  ")}`,
      `gateway's subgraph calls over the upload and drain, by latency bucket (cumulative): ${[...b1].map(([k, v]) => `${k} ${v - (b0.get(k) ?? 0)}`).join(", ")}`,
    ];
  };
}

async function main() {
  const stack = await startStack({ admin: ADMIN, redis: REDIS, residents: RESIDENTS, profileDir: PROFILE, bulkheads: BULKHEADS, bulkNice: BULK_NICE, ownSessions: OWN_SESSIONS });
  // A connection a service drops mid-request has surfaced once as an uncaught 'socket hang up' (under
  // a load average of 12 to 20): say so and still drop this run's databases and keys.
  process.once("uncaughtException", (err) => {
    console.error("uncaught:", err);
    void stack.stop().finally(() => process.exit(1));
  });
  const testing = new Pool({ connectionString: stack.dbs.testing, max: 2 });
  const healthCode = new Pool({ connectionString: stack.dbs["health-code"], max: 1 });
  try {
    const { city, secrets } = stack;
    const site = city.sites[0]!;
    const lab = await signToken({ role: "LAB", subject: city.staffId, agencyId: site.agencyId }, secrets.tokenSecret, 3600);
    const persons = city.residents.map((r) => r.personId);
    const readers = await Promise.all(city.residents.slice(0, 8).map((r) => signToken({ role: "RESIDENT", subject: r.personId }, secrets.tokenSecret, 3600)));
    const status = (i: number) => post(stack.gatewayUrl, { query: STATUS }, { authorization: `Bearer ${readers[i % readers.length]}` });
    const records = async () => Number((await healthCode.query<{ n: string }>(`SELECT count(*)::text AS n FROM test_record`)).rows[0]!.n);
    // Until the bulk processes (the ingest path and the event processes) have been quiet for 300 ms:
    // idle reads start only when the previous upload's work is over (appeals' consumer applies every
    // result too). Without bulkheads the event work runs in the serving processes: all are watched.
    const watched = BULKHEADS ? stack.services.filter((s) => s.name.endsWith("-ingest") || s.name.endsWith("-events")) : stack.services;
    const cpuOfWatched = () => watched.reduce((t, s) => t + cpuSeconds(s.proc.pid ?? 0), 0);
    const quiet = async () => {
      for (let i = 0; i < 100; i++) {
        const a = cpuOfWatched();
        await new Promise((r) => setTimeout(r, 300));
        if (cpuOfWatched() - a < (BULKHEADS ? 0.02 : 0.05)) return;
      }
    };
    /** Status reads for `seconds` once the bulk work is quiet; latencies, and CPU per process over them. */
    const idleReads = async (seconds: number) => {
      await quiet();
      const cpu0 = cpuByProcess(stack.services, stack.tag);
      const until = performance.now() + seconds * 1000;
      const sampler = PG_WAITS ? samplePg(testing, stack.tag) : undefined;
      const lat = await readStatus(status, () => performance.now() > until);
      const pg = await sampler?.();
      const cpu = new Map([...cpuByProcess(stack.services, stack.tag)].map(([k, v]) => [k, v - (cpu0.get(k) ?? 0)]));
      return { lat, cpu, pg };
    };
    const allIdle: number[] = [];
    const allBusy: number[] = [];
    const allUploading: number[] = [], allDraining: number[] = [];
    for (let i = 0; i < 40; i++) await status(i); // warm-up
    // Warm-up upload (not counted): the first plan and JIT of the path.
    {
      const codes = await freshTubes(testing, site.id, persons, 200);
      await post(stack.ingestUrl, { query: `mutation($i:[RecordResultInput!]!){ recordResults(inputs:$i){ recorded } }`, variables: { i: codes.map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" })) } }, { authorization: `Bearer ${lab}` });
    }
    const rounds: Array<Record<string, number>> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const viaGateway = await freshTubes(testing, site.id, persons, N);
      const viaCopy = await freshTubes(testing, site.id, persons, N);
      const viaAlone = await freshTubes(testing, site.id, persons, N);
      const viaCopyBusy = await freshTubes(testing, site.id, persons, N);
      // Idle reads in two halves, before the upload and after its drain (each once the bulk work is
      // quiet): the same readers against the history before and after the upload's results.
      const idleLag = monitorEventLoopDelay({ resolution: 5 });
      idleLag.enable();
      const idleBefore = await idleReads(IDLE_SECONDS / 2);
      idleLag.disable();
      if (idleBefore.pg) console.log(`round ${round + 1} PostgreSQL over the idle reads before the upload, ${idleBefore.pg}`);

      const before = await records();
      let done = false;
      const starts: number[] = [];
      const during = readStatus(status, () => done, starts);
      // Serialised before the clock starts: the lab's own work is not the readers' (they share this event loop).
      const upload = JSON.stringify({ query: `mutation($i:[RecordResultInput!]!){ recordResults(inputs:$i){ recorded unchanged refused } }`, variables: { i: viaGateway.map((tubeCode, i) => ({ tubeCode, outcome: i % 100 === 0 ? "POSITIVE" : "NEGATIVE" })) } });
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const cpu0 = cpuByProcess(stack.services, stack.tag);
      // The drain's polling runs in this PostgreSQL backend: its CPU over the upload and drain is the
      // bench's own load on PostgreSQL, which the idle reads do not have (0.01-0.05 s per upload here).
      const pollPid = Number((await healthCode.query<{ p: number }>(`SELECT pg_backend_pid() AS p`)).rows[0]!.p);
      const poll0 = cpuSeconds(pollPid);
      const pgSampler = PG_WAITS ? samplePg(testing, stack.tag) : undefined;
      const t0 = performance.now();
      const trace = TRACE ? await traceUpload(stack, t0) : undefined;
      const res = await post(stack.ingestUrl, upload, { authorization: `Bearer ${lab}` });
      const answered = performance.now();
      const uploadS = (answered - t0) / 1000;
      if (res.data.recordResults.recorded !== N) throw new Error(`upload recorded ${res.data.recordResults.recorded} of ${N}`);
      // Drain: health-code's test_record rows for the upload (one person per tube), --drain seconds at most.
      let applied = 0;
      for (;;) {
        applied = (await records()) - before;
        const now = performance.now();
        if (applied >= N || now - t0 > DRAIN_SECONDS * 1000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const last = performance.now();
      const cpu1 = cpuByProcess(stack.services, stack.tag);
      const pollCpuS = cpuSeconds(pollPid) - poll0;
      lag.disable();
      if (pgSampler) console.log(`round ${round + 1} PostgreSQL over the upload and drain, ${await pgSampler()}`);
      const drainedS = (last - t0) / 1000;
      done = true;
      const busy = await during;
      if (trace) {
        for (const line of await trace()) console.log(`round ${round + 1} ${line}`);
        console.log(`round ${round + 1} reads (due ms after the upload's start:latency ms; answered at ${(answered - t0).toFixed(0)}, drained at ${(last - t0).toFixed(0)}): ${busy.map((l, k) => `${(starts[k]! - t0).toFixed(0)}:${l.toFixed(0)}`).join(" ")}`);
      }
      const idleAfter = await idleReads(IDLE_SECONDS / 2);
      const idle = [...idleBefore.lat, ...idleAfter.lat];
      const idleCpu = [...idleBefore.cpu].map(([k, v]) => `${k} ${(v + (idleAfter.cpu.get(k) ?? 0)).toFixed(2)}`).join(", ");
      allIdle.push(...idle);
      allBusy.push(...busy);
      const uploading = busy.filter((_, k) => starts[k]! < answered), draining = busy.filter((_, k) => starts[k]! >= answered);
      allUploading.push(...uploading);
      allDraining.push(...draining);
      if (applied < N) console.log(`round ${round + 1}: health-code applied ${applied} of ${N} in ${DRAIN_SECONDS} s (not drained)`);

      // Where the CPU went from the upload's start to the drain (PostgreSQL: every backend alive at both ends, so approximate).
      const cpuLine = [...cpu1].map(([k, v]) => `${k} ${(v - (cpu0.get(k) ?? 0)).toFixed(2)}`).join(", ");
      const copyS = await copyResults(testing, viaCopy, site.agencyId);
      // COPY again with the same status readers running (started first, as for the upload): the
      // two ways into the table under the same competition for the cores (`ratioBusy`).
      await quiet();
      let copyDone = false;
      const copyReads = readStatus(status, () => copyDone);
      await new Promise((r) => setTimeout(r, 50));
      const copyBusyS = await copyResults(testing, viaCopyBusy, site.agencyId);
      copyDone = true;
      await copyReads;
      // The same upload with no status readers, like COPY beside it: the ratio of two ways into the
      // table on an otherwise idle stack (`ratioAlone`), where `ratio` sets COPY alone against the
      // upload with the readers on the same cores.
      await quiet();
      const t1 = performance.now();
      const aloneRes = await post(stack.ingestUrl, JSON.stringify({ query: `mutation($i:[RecordResultInput!]!){ recordResults(inputs:$i){ recorded } }`, variables: { i: viaAlone.map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" })) } }), { authorization: `Bearer ${lab}` });
      const aloneS = (performance.now() - t1) / 1000;
      if (aloneRes.data.recordResults.recorded !== N) throw new Error(`upload without readers recorded ${aloneRes.data.recordResults.recorded} of ${N}`);
      const retry = await post(stack.ingestUrl, { query: `mutation($i:[RecordResultInput!]!){ recordResults(inputs:$i){ recorded unchanged } }`, variables: { i: viaGateway.map((tubeCode, i) => ({ tubeCode, outcome: i % 100 === 0 ? "POSITIVE" : "NEGATIVE" })) } }, { authorization: `Bearer ${lab}` });
      if (retry.data.recordResults.unchanged !== N) throw new Error(`retry: ${JSON.stringify(retry.data.recordResults)}`);
      const row: Record<string, number> = {
        gatewayPerS: N / uploadS,
        copyPerS: N / copyS,
        ratio: copyS / uploadS,
        copyBusyPerS: N / copyBusyS,
        ratioBusy: copyBusyS / uploadS,
        uploadS,
        aloneS,
        ratioAlone: copyS / aloneS,
        // From the upload's start until health-code has applied every result; the consumer keeps up when this is close to uploadS.
        drainedS: applied < N ? Number.NaN : drainedS,
        drainBehindS: applied < N ? Number.NaN : drainedS - uploadS,
        // The upload's results over the time health-code took after the upload was answered (the
        // relay's publish, the bus and the apply: its events exist only from the commit), so the
        // consumer keeps up with uploads like this one when consumerPerS >= gatewayPerS. (The span
        // from its first applied row to its last says nothing since a read's events commit together.)
        consumerPerS: applied / Math.max(0.02, (last - t0) / 1000 - uploadS),
        // The longest this process's own event loop stalled while reading (a stall here inflates the readers' figures).
        clientLagMaxMs: lag.max / 1e6,
        idleP50: pct(idle, 0.5), idleP99: pct(idle, 0.99), idleReads: idle.length, busyP50: pct(busy, 0.5), busyP99: pct(busy, 0.99), busyReads: busy.length, pollCpuS,
        // The busy reads apart: started while the upload was in flight (testing's write), or after its answer (the relay and the consumers' apply).
        uploadingP99: pct(uploading, 0.99), uploadingReads: uploading.length, drainingP99: pct(draining, 0.99), drainingReads: draining.length,
      };
      row.p99Ratio = row.busyP99! / row.idleP99!;
      rounds.push(row);
      console.log(`round ${round + 1} idle (${IDLE_SECONDS / 2} s before and after, ${idle.length} reads): bench's own event loop stalled ${(idleLag.max / 1e6).toFixed(1)} ms at most before; CPU s: ${idleCpu}`);
      console.log(`round ${round + 1}: gateway ${row.gatewayPerS!.toFixed(0)}/s, COPY ${row.copyPerS!.toFixed(0)}/s, ratio ${row.ratio!.toFixed(2)} (COPY beside the readers ${row.copyBusyPerS!.toFixed(0)}/s, ${row.ratioBusy!.toFixed(2)}; without readers: ${(N / aloneS).toFixed(0)}/s, ${row.ratioAlone!.toFixed(2)}); drained ${drainedS.toFixed(2)} s after start (upload ${uploadS.toFixed(2)} s), consumer ${row.consumerPerS!.toFixed(0)}/s; status p50/p99 idle ${row.idleP50!.toFixed(1)}/${row.idleP99!.toFixed(1)} ms, during ${row.busyP50!.toFixed(1)}/${row.busyP99!.toFixed(1)} ms (${busy.length} reads), bench's own event loop stalled ${row.clientLagMaxMs!.toFixed(1)} ms at most; CPU s: ${cpuLine}`);
    }
    if (process.argv.includes("--explain")) {
      // The status read's query in testing (the function person_tests, subgraphs/testing/personTests.ts)
      // on the history the rounds left, for the readers' persons, with the generic plan the function
      // keeps: its body prepared on one connection with the function's own settings.
      const fn = (await testing.query<{ src: string; config: string[] }>(`SELECT prosrc AS src, proconfig AS config FROM pg_proc WHERE proname = 'person_tests'`)).rows[0]!;
      const text = fn.src.match(/RETURN QUERY([\s\S]*);\s*END/)![1]!.replace(/\bunnest\(keys\)/, "unnest($1::text[])").replace(/\bLIMIT lim\b/, "LIMIT $2::int");
      const keysOf = city.residents.slice(0, 8).map((r) => r.personId);
      const client = await testing.connect();
      try {
        await client.query(`${fn.config.map((c) => `SET ${c.replace("=", " = '")}';`).join(" ")} PREPARE person_tests_explained AS ${text}`);
        for (let k = 0; k < 2; k++) {
          const plan = (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE person_tests_explained('{${keysOf[k]}}', 1)`)).rows.map((r) => r["QUERY PLAN"]);
          console.log(`person_tests for one reader's person:\n${plan.join("\n")}`);
        }
      } finally {
        client.release(true);
      }
    }
    const keys = Object.keys(rounds[0]!);
    const summary = Object.fromEntries(keys.map((k) => [k, stat(rounds.map((r) => r[k]!))]));
    console.log(`\nservices mode, ${BULKHEADS ? `uploads through the ingest path (bulkheads, nice ${BULK_NICE})` : "uploads through the clients' gateway (no bulkheads)"}, ${ROUNDS} rounds of ${N}-result uploads, ${READ_RATE > 0 ? `status reads at ${READ_RATE}/s (open loop)` : `${READERS} status readers`}, ${OWN_SESSIONS ? "each service in its own session" : "every service in the bench's session"}, load ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
    console.log(["figure", "median", "min", "max"].join(" | "));
    for (const k of keys) console.log(`${k} | ${summary[k]!.median} | ${summary[k]!.min} | ${summary[k]!.max}`);
    // p99 of one round rests on its 2-3 slowest reads (about 200 during an upload): the rounds' reads pooled as well.
    const pooled = { idleReads: allIdle.length, busyReads: allBusy.length, idleP99: r2(pct(allIdle, 0.99)), busyP99: r2(pct(allBusy, 0.99)), p99Ratio: r2(pct(allBusy, 0.99) / pct(allIdle, 0.99)), uploadingP99: r2(pct(allUploading, 0.99)), uploadingReads: allUploading.length, drainingP99: r2(pct(allDraining, 0.99)), drainingReads: allDraining.length };
    console.log(`pooled over the rounds: status p99 idle ${pooled.idleP99} ms (${pooled.idleReads} reads), during ${pooled.busyP99} ms (${pooled.busyReads} reads), p99Ratio ${pooled.p99Ratio}; during the upload ${pooled.uploadingP99} ms (${pooled.uploadingReads} reads), after its answer ${pooled.drainingP99} ms (${pooled.drainingReads} reads)`);
    console.log(JSON.stringify({ bench: "ingest-gateway", mode: "services", bulkheads: BULKHEADS, bulkNice: BULKHEADS ? BULK_NICE : null, uploadItems: N, rounds: ROUNDS, readers: READ_RATE > 0 ? null : READERS, readRate: READ_RATE > 0 ? READ_RATE : null, ownSessions: OWN_SESSIONS, loadavg: loadavg().map(r2), ...summary, pooled }));
  } finally {
    closeAgent();
    await testing.end();
    await healthCode.end();
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
