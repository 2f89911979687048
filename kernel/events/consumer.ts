// A consumer group member: reads the source streams, applies each event's effect exactly once per
// group (processed_event row and effect in one transaction), acknowledges only after commit,
// retries failures with backoff and dead-letters an event after maxAttempts. Consecutive events of
// a stream are applied several to a transaction (each with its own processed_event row), falling
// back to one at a time when such a batch fails.
import { KNOWN_EVENT_TYPES } from "./catalogue";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { SqlDatabase } from "../db/sql";
import type { Delivery, EventBus } from "./bus";
import { applyBatchOnce, applyOnce, HandlerError, isUuid } from "./apply";
import { GapWatch, type GapCounters } from "./gapWatch";
import { recordReceipt } from "./positions";
import { backoffMs, errorText, Sleeper } from "./timing";
import { silentLogger, type EventHandler, type Logger } from "./types";

export interface ConsumerOptions {
  bus: EventBus;
  db: SqlDatabase;
  /** Consuming silo and purpose, e.g. "venues.suspend-registers"; also the processed_event consumer. */
  group: string;
  /** Source silos whose streams to read. */
  streams: string[];
  handlers: Record<string, EventHandler>;
  /** Handler failures (and deliveries) before an event is dead-lettered; default 5. */
  maxAttempts?: number;
  /** Unique per process; default host-pid-random. Reuse a name to resume that consumer's pending events. */
  consumerName?: string;
  batchSize?: number;
  /** Events of one stream applied together in one transaction (first deliveries only); default 20, 1 applies one at a time. */
  applyBatch?: number;
  blockMs?: number;
  /** A message unacknowledged this long is presumed abandoned by a dead consumer and claimed; default 30 s. */
  claimIdleMs?: number;
  claimEveryMs?: number;
  /** A consumer idle this long with nothing pending is removed from the group (default 10 min). */
  forgetIdleMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Missing positions (gapWatch.ts): how often to look (1 s), how long a hole may be in flight before it is asked for (5 s), how often to ask again (30 s), when to log it as lost (60 s). */
  gapCheckMs?: number;
  gapGraceMs?: number;
  gapRetryMs?: number;
  gapLostAfterMs?: number;
  logger?: Logger;
}

export interface ConsumerCounters extends GapCounters {
  processed: number;
  duplicates: number;
  unknownType: number;
  deadLettered: number;
  retries: number;
  claimed: number;
  /** Dead consumers removed from the group. */
  forgotten: number;
}

export interface Consumer {
  readonly group: string;
  readonly name: string;
  /** Stops after the event (or batch of events) in hand; its unprocessed messages stay pending for others to claim. */
  stop(): Promise<void>;
  counters(): ConsumerCounters;
}

/** Starts a consumer loop; see ConsumerOptions. */
export function startConsumer(o: ConsumerOptions): Consumer {
  const name = o.consumerName ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const logger = o.logger ?? silentLogger;
  const maxAttempts = o.maxAttempts ?? 5;
  const claimIdleMs = o.claimIdleMs ?? 30_000;
  const retry = (n: number) => backoffMs(n, o.retryBaseMs ?? 100, o.retryMaxMs ?? 5_000);
  const reader = o.bus.openGroup(o.group, name, o.streams);
  const counters: ConsumerCounters = {
    processed: 0, duplicates: 0, unknownType: 0, deadLettered: 0, retries: 0, claimed: 0, forgotten: 0, gapEvents: 0, repairRequests: 0, unrepairedGap: 0,
  };
  const gaps = new GapWatch({
    db: o.db, bus: o.bus, reader, group: o.group, streams: o.streams, logger, counters,
    checkEveryMs: o.gapCheckMs, graceMs: o.gapGraceMs, retryMs: o.gapRetryMs, lostAfterMs: o.gapLostAfterMs,
  });
  const sleeper = new Sleeper();
  const warnedTypes = new Set<string>();
  let toAck: Delivery[] = [];
  let stopped = false;

  async function flushAcks(): Promise<void> {
    const batch = toAck;
    toAck = [];
    if (batch.length) await reader.ack(batch);
  }

  async function deadLetter(d: Delivery, error: string, attempts: number): Promise<void> {
    await flushAcks();
    // Handled, though not applied: its position is no gap (a redrive applies it later).
    await recordReceipt(o.db, o.group, d.stream, d.envelope?.position);
    await reader.deadLetter(d, error, attempts);
    counters.deadLettered++;
    logger.warn("event dead-lettered", { group: o.group, stream: d.stream, eventId: d.envelope?.id, attempts });
  }

  async function handle(d: Delivery): Promise<void> {
    const e = d.envelope;
    if (!e || !isUuid(e.id)) return deadLetter(d, d.decodeError ?? "event id is not a uuid", d.deliveries);
    const handler = o.handlers[e.type];
    if (!handler) {
      // A catalogued type this group does not need is routine; an uncatalogued one is worth a look.
      if (!KNOWN_EVENT_TYPES.has(e.type)) {
        counters.unknownType++;
        if (!warnedTypes.has(e.type)) logger.warn("unknown event type; acknowledging", { group: o.group, type: e.type });
        warnedTypes.add(e.type);
      }
      await recordReceipt(o.db, o.group, d.stream, e.position);
      toAck.push(d);
      return;
    }
    // Earlier deliveries that were never acknowledged count as failed attempts: an event that
    // kills its consumer every time must end up dead-lettered too.
    let attempt = d.deliveries;
    if (attempt > maxAttempts) return deadLetter(d, `delivered ${attempt} times without acknowledgement`, attempt);
    for (let outage = 0; !stopped; ) {
      try {
        counters[(await applyOnce(o.db, o.group, e, handler)) ? "processed" : "duplicates"]++;
        toAck.push(d);
        return;
      } catch (err) {
        // A failure of the database itself is no fault of the event: wait it out, uncounted.
        if (!(await o.db.query("SELECT 1").then(() => true, () => false))) {
          if (++outage === 1) logger.warn("consumer cannot reach its database; retrying", { group: o.group, error: errorText(err) });
          await flushAcks().catch(() => undefined);
          await sleeper.sleep(retry(outage));
          continue;
        }
        if (attempt >= maxAttempts) return deadLetter(d, errorText(err instanceof HandlerError ? err.cause : err), attempt);
        counters.retries++;
        await flushAcks();
        await sleeper.sleep(retry(attempt++));
      }
    }
  }

  // Only an event's first delivery joins a batch: a redelivered one may be the event that failed
  // or killed its consumer, and it must not take others' attempts (and transactions) with it.
  const batchable = (d: Delivery) => d.deliveries <= 1 && !!d.envelope && isUuid(d.envelope.id) && !!o.handlers[d.envelope.type];

  /** Applies consecutive events in one transaction; false (nothing committed) when that failed. */
  async function applyTogether(run: Delivery[]): Promise<boolean> {
    try {
      const applied = await applyBatchOnce(o.db, o.group, run.map((d) => ({ event: d.envelope!, handler: o.handlers[d.envelope!.type]! })));
      for (const a of applied) counters[a ? "processed" : "duplicates"]++;
      toAck.push(...run);
      return true;
    } catch {
      return false;
    }
  }

  /** One stream's deliveries in order: runs of batchable events together, the rest (and a failed run's events) one at a time. */
  async function handleStream(ds: Delivery[]): Promise<void> {
    const max = Math.max(1, o.applyBatch ?? 20);
    for (let i = 0; i < ds.length && !stopped; ) {
      const run: Delivery[] = [];
      while (i < ds.length && run.length < max && batchable(ds[i]!)) run.push(ds[i++]!);
      if (run.length === 0) run.push(ds[i++]!);
      // A failed batch (a poison event, a conflict) is retried event by event, so the others commit.
      if (run.length > 1 && (await applyTogether(run))) continue;
      for (const d of run) if (!stopped) await handle(d);
    }
  }

  // Streams are independent, so they are worked in parallel; within a stream, strictly in order.
  // allSettled, not all: a failing stream must not leave another still running into the next batch.
  async function processBatch(batch: Delivery[]): Promise<void> {
    const results = await Promise.allSettled(o.streams.map((stream) => handleStream(batch.filter((d) => d.stream === stream))));
    for (const r of results) if (r.status === "rejected") throw r.reason;
    await flushAcks();
    for (const d of batch) gaps.touched(d.stream);
  }

  const loop = (async () => {
    let failures = 0;
    let lastClaim = 0;
    while (!stopped) {
      try {
        let batch: Delivery[] = [];
        if (Date.now() - lastClaim >= (o.claimEveryMs ?? Math.min(claimIdleMs, 5_000))) {
          lastClaim = Date.now();
          batch = await reader.claimStale(claimIdleMs, o.batchSize ?? 100);
          counters.claimed += batch.length;
          if (reader.forgetIdleConsumers) counters.forgotten += await reader.forgetIdleConsumers(o.forgetIdleMs ?? 600_000);
        }
        if (batch.length === 0) batch = await reader.read(o.batchSize ?? 100, o.blockMs ?? 1_000);
        const recreated = reader.takeCreatedStreams?.() ?? [];
        if (recreated.length) gaps.recreated(recreated);
        await processBatch(batch);
        await gaps.tick();
        failures = 0;
      } catch (err) {
        toAck = [];
        if (++failures === 1 || failures % 10 === 0) logger.warn("consumer cannot read or acknowledge; backing off", { group: o.group, failures, error: errorText(err) });
        await sleeper.sleep(retry(failures));
      }
    }
    await reader.close().catch(() => undefined);
  })();

  return {
    group: o.group,
    name,
    counters: () => ({ ...counters }),
    async stop() {
      stopped = true;
      sleeper.stop();
      await loop;
    },
  };
}
