// What every silo process does the same way: read its settings, open and migrate its database,
// seed the demo city in embedded mode, serve the subgraph, run its event relay and consumer
// groups, and stop cleanly on a signal.
import { join } from "node:path";
import type { ApolloServer } from "@apollo/server";
import type { Viewer } from "../auth/viewer";
import { ConfigError, optionalEnv, portFromEnv } from "../config/env";
import { applyNiceFromEnv, eventWorkFromEnv } from "../config/processRole";
import { dataDirFromEnv, loadSecrets, type Secrets } from "../config/secrets";
import { DEFAULT_PORTS, envPrefix, type Silo } from "../config/silos";
import { openSiloDatabase, type SiloDatabase } from "../db/open";
import { buildCity, type DemoCity } from "../demo/city";
import type { DiscloseContext } from "../privacy/disclose";
import { disclosureContext } from "../privacy/keys";
import { entityKeyVersionsFromEnv, type EntityKeyVersions } from "../privacy/entityKeys";
import type { RunningServer } from "../http/serve";
import { FALLBACK_POLL_MS, InProcessBus, outboxWakeUp, registerEventMetrics, relayNotifier, type EventBus, type Logger, type PayloadExpanders } from "../events";
import { startSubgraph, type SubgraphContext } from "./subgraphServer";
import { startSiloEvents, type ConsumerGroupSpec } from "./siloEvents";
import { busFromEnv, consoleLogger } from "./eventBus";
import { startTracingFromEnv } from "../observability";

export interface SiloDeps {
  db: SiloDatabase;
  secrets: Secrets;
  disclosure: DiscloseContext;
  /** Call after committing a transaction that appended events: wakes the relay at once. */
  relay: { notify(): void };
}

export interface SiloInstance<C extends SubgraphContext> {
  server: ApolloServer<C>;
  context(viewer: Viewer): C;
  /** Seeds the silo's part of the demo city when the silo is empty; true when it seeded. */
  seed(city: DemoCity): Promise<boolean>;
  /** The consumer groups this silo runs (named `<silo>.<purpose>`). */
  consumers?: ConsumerGroupSpec[];
  /** Event types its relay completes from the silo's tables before publishing (kernel/events/expand.ts). */
  expanders?: PayloadExpanders;
  close(): Promise<void>;
}

export type SiloFactory<C extends SubgraphContext> = (deps: SiloDeps) => SiloInstance<C>;

export interface RunningSilo extends RunningServer {
  silo: Silo;
}

export interface LaunchOptions {
  silo: Silo;
  port: number;
  host?: string;
  db: SiloDatabase;
  secrets: Secrets;
  city?: DemoCity;
  /** The bus the silo's relay and consumers use; the caller owns it (default: a private in-process bus). */
  bus?: EventBus;
  logger?: Logger;
  /** Entity key versions (ENTITY_KEY_VERSION, ENTITY_KEY_ACCEPT); default: version 1 only. */
  entityKeyVersions?: EntityKeyVersions;
  /** False: another process of the silo runs its consumer groups (default true). */
  consumers?: boolean;
  /** False: another process of the silo publishes its outbox (default true). */
  relay?: boolean;
}

/** Creates a silo over an opened database, seeds it if asked, and serves it. */
export async function launchSilo<C extends SubgraphContext>(factory: SiloFactory<C>, opts: LaunchOptions): Promise<RunningSilo> {
  const notifier = relayNotifier();
  const instance = factory({ db: opts.db, secrets: opts.secrets, disclosure: disclosureContext(opts.secrets.pepper, opts.entityKeyVersions), relay: notifier });
  if (opts.city) await instance.seed(opts.city);
  const ownBus = opts.bus ? undefined : new InProcessBus();
  // Woken by the database's NOTIFY at each outbox commit, the relay polls only as a fallback; if
  // LISTEN cannot start, it polls as before (and the in-process notifier still wakes it).
  const wakeUp = opts.relay === false ? undefined : await outboxWakeUp(opts.db.listen, notifier).catch((err: unknown) => {
    opts.logger?.warn("outbox LISTEN unavailable; the relay polls", { silo: opts.silo, error: String(err) });
    return undefined;
  });
  const events = startSiloEvents({
    silo: opts.silo, db: opts.db.sql, bus: opts.bus ?? ownBus!, groups: opts.consumers === false ? [] : (instance.consumers ?? []), logger: opts.logger,
    relay: opts.relay, expanders: instance.expanders, notifier: wakeUp ?? notifier, pollMs: wakeUp ? FALLBACK_POLL_MS : undefined,
  });
  const running = await startSubgraph(instance.server, {
    port: opts.port,
    host: opts.host,
    viewerKey: opts.secrets.viewerKey,
    context: (viewer) => instance.context(viewer),
    ready: async () => (await opts.db.sql.query("SELECT 1 AS ok")).length === 1,
    // GET /metrics serves the silo's registry: HTTP, GraphQL, process and these event figures.
    registerMetrics: (registry) => registerEventMetrics(registry, () => events.stats()),
  }).catch(async (err: unknown) => {
    await events.stop();
    await wakeUp?.close();
    await ownBus?.close();
    throw err;
  });
  // Stopping is idempotent: SIGINT and SIGTERM (or a test and its teardown) may both ask.
  let stopped: Promise<void> | undefined;
  return {
    ...running,
    silo: opts.silo,
    stop: () =>
      (stopped ??= (async () => {
        await running.stop();
        await events.stop();
        await wakeUp?.close();
        await ownBus?.close();
        await instance.close();
        await opts.db.close();
      })()),
  };
}

/** Opens the silo's database as the environment says, seeds the demo city if asked, and launches it on `bus`. */
export async function startSiloFromEnv<C extends SubgraphContext>(silo: Silo, factory: SiloFactory<C>, dir: string, env: NodeJS.ProcessEnv, bus: EventBus): Promise<RunningSilo> {
  const prefix = envPrefix(silo);
  const url = optionalEnv(env, `${prefix}_DATABASE_URL`);
  const dataDir = dataDirFromEnv(env);
  const secrets = loadSecrets(env, dataDir);
  const port = portFromEnv(env, `${prefix}_PORT`, DEFAULT_PORTS[silo]);
  const db = await openSiloDatabase({ url, dataDir: url ? undefined : join(dataDir, silo), migrationsDir: join(dir, "prisma", "migrations"), label: silo });
  const seedDemo = !url || optionalEnv(env, "SEED_DEMO") === "1";
  const size = Number(optionalEnv(env, "DEMO_RESIDENTS") ?? 300);
  const city = seedDemo ? buildCity(secrets.pepper, size) : undefined;
  const work = eventWorkFromEnv(env);
  const running = await launchSilo(factory, { silo, port, host: optionalEnv(env, "HOST"), db, secrets, city, bus, logger: consoleLogger(silo), entityKeyVersions: entityKeyVersionsFromEnv(env), ...work });
  const elsewhere = [work.consumers ? "" : "consumers", work.relay ? "" : "relay"].filter(Boolean).join(" and ");
  console.log(`${silo} subgraph ready at ${running.url} (${url ? "PostgreSQL" : `embedded PGlite in ${join(dataDir, silo)}`}${elsewhere ? `; ${elsewhere} in another process` : ""})`);
  return running;
}

/**
 * The main function of a silo process. With REDIS_URL its events reach the other silos; without,
 * they stay on an in-process bus that only this process reads (`npm start` hosts all four silos
 * in one process for that reason).
 */
export function runSiloMain<C extends SubgraphContext>(silo: Silo, factory: SiloFactory<C>, dir: string): void {
  const env = process.env;
  const start = async () => {
    eventWorkFromEnv(env); // a bad setting stops the process before anything opens
    applyNiceFromEnv(env);
    startTracingFromEnv(env);
    const bus = busFromEnv(env, consoleLogger(silo));
    const running = await startSiloFromEnv(silo, factory, dir, env, bus);
    const stop = () => running.stop().then(() => bus.close()).then(() => process.exit(0), () => process.exit(1));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  };
  start().catch((err) => {
    console.error(err instanceof ConfigError ? `${silo}: ${err.message}` : err);
    process.exit(1);
  });
}
