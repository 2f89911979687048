// The relay: publishes a silo's unpublished outbox rows in seq order and marks them published only
// after the bus accepted them. All its state is the outbox table, so it survives restarts; while
// the bus is down it backs off and the backlog simply waits in the table.
import type { SqlDatabase } from "../db/sql";
import type { EventBus } from "./bus";
import { takeBatch } from "./relayBatch";
import type { PayloadExpanders } from "./expand";
import { repairLostTail } from "./highWater";
import { requeueNewest, requeueRange } from "./repair";
import { backoffMs, errorText, Sleeper } from "./timing";
import { logError, silentLogger, type Logger } from "./types";

/** Lets a silo wake its relay right after committing events, instead of waiting for the next poll. */
export interface RelayNotifier {
  subscribe(wake: () => void): () => void;
}

export interface RelayOptions {
  db: SqlDatabase;
  /** This silo's name: the stream its events go to. */
  source: string;
  bus: EventBus;
  /** Rows per publish (default 500). */
  batchSize?: number;
  /** Idle poll interval (default 200 ms). */
  pollMs?: number;
  notify?: RelayNotifier;
  /** Completes rows of these event types from the silo's tables before publishing (expand.ts). */
  expanders?: PayloadExpanders;
  /** Backoff bounds while the bus or database fails (defaults 100 ms … 10 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * Ignored since positions: after the bus lost its storage the relay republishes only its newest
   * event, and consumer groups ask for exactly what they lack (docs/events.md). Kept for callers.
   */
  replayWindowMs?: number;
  logger?: Logger;
}

export interface RelayCounters {
  /** Times the bus was found holding less than the outbox says was published (snapshot, lagging replica). */
  lossesDetected: number;
  /** Events marked for republishing because the bus lost them. */
  republished: number;
  /** Repair requests from consumer groups that found positions missing. */
  repairRequests: number;
  /** Events re-queued for those requests. */
  repairRepublished: number;
  /** Positions a group asked for that the outbox no longer holds (pruned before it applied them). */
  unrepairable: number;
}

export interface Relay {
  counters(): RelayCounters;
  /** Stops the loop after the batch in flight; resolves when it has. */
  stop(): Promise<void>;
  /** Publishes everything unpublished now; returns how many rows it published. Throws if the bus fails. */
  drainOnce(): Promise<number>;
}

/** A simple in-process RelayNotifier: call `notify()` after a transaction that appended events commits. */
export function relayNotifier(): RelayNotifier & { notify(): void } {
  const listeners = new Set<() => void>();
  return {
    subscribe: (wake) => (listeners.add(wake), () => void listeners.delete(wake)),
    notify: () => listeners.forEach((wake) => wake()),
  };
}

/** Starts a relay loop for one silo's outbox; see RelayOptions. */
export function startRelay(options: RelayOptions): Relay {
  const { db, source, bus } = options;
  const batchSize = options.batchSize ?? 500;
  const logger = options.logger ?? silentLogger;
  const pollSleeper = new Sleeper();
  const backoffSleeper = new Sleeper();
  let stopped = false;
  let busy: Promise<unknown> = Promise.resolve();
  let lastStorageCheck = 0;
  const counters: RelayCounters = { lossesDetected: 0, republished: 0, repairRequests: 0, repairRepublished: 0, unrepairable: 0 };

  // If the bus lost its storage, messages it had accepted may be gone before anyone consumed
  // them: republish the newest event (its position shows every group how far the source got, and
  // each asks for what it lacks), and only then confirm the storage. If the bus kept its storage
  // but came back older (highWater.ts), republish exactly the lost tail. Then serve repair requests.
  async function checkStorage(): Promise<number> {
    lastStorageCheck = Date.now();
    let requeued = 0;
    if (!(await bus.storageReset(source))) {
      const hw = await repairLostTail(db, source, bus);
      if (hw.republish > 0) {
        counters.lossesDetected++;
        counters.republished += hw.republish;
        logger.warn("event bus lost events it had accepted (restored snapshot or lagging replica); republishing them", {
          source, publishedPosition: hw.published, busPosition: hw.onBus, count: hw.republish,
        });
        requeued += hw.republish;
      }
    } else {
      const n = await requeueNewest(db);
      // A first start also finds no epoch key; only a reset with something published is a loss.
      if (n > 0) {
        logger.warn("event bus lost its storage; republishing the newest event so consumer groups ask for what they lack", { source });
        counters.lossesDetected++;
        counters.republished += n;
      }
      await bus.confirmStorage(source);
      requeued += n;
    }
    return requeued + (await serveRepairs());
  }

  // Consumer groups that found positions missing ask for them (consumer.ts); each request is
  // served from the outbox, and what the outbox no longer holds is reported as lost for good.
  async function serveRepairs(): Promise<number> {
    if (!bus.takeRepairRequests) return 0;
    let requeued = 0;
    for (const r of await bus.takeRepairRequests(source)) {
      counters.repairRequests++;
      const done = await requeueRange(db, r.from, r.to);
      if (!done) continue;
      counters.repairRepublished += done.requeued;
      requeued += done.requeued;
      if (done.missing > 0) {
        counters.unrepairable += done.missing;
        logError(logger, "events a consumer group lacks are no longer in the outbox (pruned before it applied them); they cannot be republished", {
          source, group: r.group, from: done.from, to: done.to, missing: done.missing,
        });
      }
    }
    return requeued;
  }

  async function drain(fromLoop: boolean): Promise<number> {
    if (lastStorageCheck === 0) await checkStorage();
    let total = 0;
    for (;;) {
      if (fromLoop && stopped) return total;
      const { published, storageReset } = await takeBatch(db, source, bus, batchSize, options.expanders);
      total += published;
      if (storageReset) await checkStorage();
      else if (published === batchSize) continue;
      // Idle or not, notice within about a second that the bus restarted empty.
      else if (Date.now() - lastStorageCheck < 1_000 || (await checkStorage()) === 0) return total;
    }
  }

  // One drain at a time per relay, whether started by the loop or by drainOnce().
  function serialized(fromLoop: boolean): Promise<number> {
    const run = busy.then(() => drain(fromLoop), () => drain(fromLoop));
    busy = run.catch(() => undefined);
    return run;
  }

  const loop = (async () => {
    const unsubscribe = options.notify?.subscribe(() => pollSleeper.wake());
    let failures = 0;
    while (!stopped) {
      try {
        await serialized(true);
        if (failures > 0) logger.warn("event relay recovered", { source, failures });
        failures = 0;
        await pollSleeper.sleep(options.pollMs ?? 200);
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 10 === 0) logger.warn("event relay cannot publish; backing off", { source, failures, error: errorText(err) });
        // Only stop() cuts a backoff short: a wake per write must not turn an outage into a busy loop.
        await backoffSleeper.sleep(backoffMs(failures, options.retryBaseMs ?? 100, options.retryMaxMs ?? 10_000));
      }
    }
    unsubscribe?.();
  })();

  return {
    counters: () => ({ ...counters }),
    drainOnce: () => serialized(false),
    async stop() {
      stopped = true;
      pollSleeper.stop();
      backoffSleeper.stop();
      await loop;
    },
  };
}
