// A silo's part of the event system, started and stopped with the silo: the relay that publishes
// its outbox to its stream, and the consumer groups it declares on other silos' streams.
import type { Silo } from "../config/silos";
import type { SqlDatabase } from "../db/sql";
import {
  type EventStats,
  eventStats, InProcessBus, renderEventMetrics, startConsumer, startRelay,
  type Consumer, type EventBus, type EventHandler, type Logger, type PayloadExpanders, type RelayNotifier,
} from "../events";

/** A consumer group a silo runs: its name, the streams it reads and a handler per event type. */
export interface ConsumerGroupSpec {
  /** `<consuming silo>.<purpose>`, e.g. "venues.registrar-status"; also its processed_event key. */
  group: string;
  /** Source silos whose streams the group reads. */
  streams: Silo[];
  /** Applies one event inside the consumer's transaction; must be idempotent and order-safe (docs/events.md). */
  handlers: Record<string, EventHandler>;
}

export interface SiloEventsOptions {
  silo: Silo;
  db: SqlDatabase;
  bus: EventBus;
  groups: ConsumerGroupSpec[];
  notifier: RelayNotifier;
  /** False: another process of the silo publishes its outbox, and this one runs no relay (default true). */
  relay?: boolean;
  /** The silo's publish-time expanders by event type (kernel/events/expand.ts). */
  expanders?: PayloadExpanders;
  /** The relay's poll interval (default 200 ms; a slow fallback when `notifier` hears NOTIFY). */
  pollMs?: number;
  logger?: Logger;
}

export interface SiloEvents {
  /** Stops consumers and relay (idempotent); pending messages stay for the next start. */
  stop(): Promise<void>;
  /** This silo's figures: its outbox, its stream and its groups' lag, pending and dead letters. */
  stats(): Promise<EventStats>;
  /** The same figures as Prometheus text. */
  metrics(): Promise<string>;
}

/** Creates every group on an in-process bus before any relay publishes, so no group starts after messages it needed were trimmed. */
export function declareGroups(bus: EventBus, groups: ConsumerGroupSpec[]): void {
  if (!(bus instanceof InProcessBus)) return; // Redis keeps messages until MAXLEN, and groups start from 0.
  for (const g of groups) for (const stream of g.streams) bus.group(stream, g.group);
}

/** Starts the silo's relay and consumer groups on the given bus. */
export function startSiloEvents(o: SiloEventsOptions): SiloEvents {
  for (const g of o.groups) {
    if (!g.group.startsWith(`${o.silo}.`)) throw new Error(`consumer group ${g.group} of ${o.silo} must be named "${o.silo}.<purpose>"`);
  }
  declareGroups(o.bus, o.groups);
  const relay = o.relay === false ? undefined : startRelay({
    db: o.db, source: o.silo, bus: o.bus, notify: o.notifier, pollMs: o.pollMs, logger: o.logger, expanders: o.expanders,
  });
  const consumers: Consumer[] = o.groups.map((g) =>
    startConsumer({ bus: o.bus, db: o.db, group: g.group, streams: g.streams, handlers: g.handlers, logger: o.logger }),
  );
  const streams = [...new Set<string>([o.silo, ...o.groups.flatMap((g) => g.streams)])];
  let stopped: Promise<void> | undefined;
  return {
    stop: () => (stopped ??= Promise.all([relay?.stop(), ...consumers.map((c) => c.stop())]).then(() => undefined)),
    async metrics() {
      return renderEventMetrics(await this.stats());
    },
    async stats() {
      const stats = await eventStats({ outboxes: [{ source: o.silo, db: o.db }], bus: o.bus, streams, consumers });
      stats.relays = relay ? [{ source: o.silo, ...relay.counters() }] : [];
      // Groups on our own stream are our consumers' health as a producer sees it; on other
      // streams only our own groups, so two silos never export the same series.
      const mine = (stream: string, group: string) => stream === o.silo || group.startsWith(`${o.silo}.`);
      stats.streams = stats.streams.map((s) => ({
        ...s,
        groups: s.groups.filter((g) => mine(s.stream, g.group)),
        deadLetters: s.deadLetters.filter((d) => mine(s.stream, d.group)),
      }));
      return stats;
    },
  };
}
