// The event figures as prom-client metrics, on the silo's own registry beside its HTTP and
// GraphQL metrics. Labels are stream and group names only: never event ids, aggregate ids, error
// texts or anything else that could carry personal data.
import { Counter, Gauge, Registry } from "prom-client";
import type { EventStats } from "./stats";

type Labels = { stream?: string; group?: string };
type Sample = [Labels, number];
type Family = { name: string; type: "gauge" | "counter"; help: string; samples: (s: EventStats) => Sample[] };

function byGroup(stats: EventStats, key: keyof EventStats["consumers"][number]): Sample[] {
  const sums = new Map<string, number>();
  for (const c of stats.consumers) sums.set(c.group, (sums.get(c.group) ?? 0) + Number(c[key]));
  return [...sums].map(([group, n]) => [{ group }, n]);
}

const groupsOf = (stats: EventStats) => stats.streams.flatMap((s) => s.groups.map((g) => ({ stream: s.stream, ...g })));

const FAMILIES: Family[] = [
  { name: "events_outbox_unpublished", type: "gauge", help: "Outbox events not yet published to the bus.", samples: (s) => s.outboxes.map((o) => [{ stream: o.source }, o.unpublished]) },
  { name: "events_outbox_oldest_unpublished_seconds", type: "gauge", help: "Age of the oldest unpublished outbox event (0 when none).", samples: (s) => s.outboxes.map((o) => [{ stream: o.source }, o.oldestAgeSeconds ?? 0]) },
  { name: "events_outbox_publish_attempts_max", type: "gauge", help: "Most failed publish attempts of an unpublished event.", samples: (s) => s.outboxes.map((o) => [{ stream: o.source }, o.maxAttempts]) },
  { name: "events_stream_length", type: "gauge", help: "Messages held in the stream.", samples: (s) => s.streams.map((x) => [{ stream: x.stream }, x.length]) },
  { name: "events_group_lag", type: "gauge", help: "Messages not yet delivered to the group.", samples: (s) => groupsOf(s).filter((g) => g.lag !== null).map((g) => [{ stream: g.stream, group: g.group }, g.lag ?? 0]) },
  { name: "events_group_pending", type: "gauge", help: "Messages delivered to the group but not acknowledged.", samples: (s) => groupsOf(s).map((g) => [{ stream: g.stream, group: g.group }, g.pending]) },
  { name: "events_group_consumers", type: "gauge", help: "Consumers known to the group.", samples: (s) => groupsOf(s).map((g) => [{ stream: g.stream, group: g.group }, g.consumers]) },
  { name: "events_dead_letters", type: "gauge", help: "Dead-lettered messages of the group.", samples: (s) => s.streams.flatMap((x) => x.deadLetters.map((d): Sample => [{ stream: x.stream, group: d.group }, d.count])) },
  { name: "events_consumer_processed_total", type: "counter", help: "Events whose effect this process applied.", samples: (s) => byGroup(s, "processed") },
  { name: "events_consumer_duplicates_total", type: "counter", help: "Redelivered events skipped as already applied.", samples: (s) => byGroup(s, "duplicates") },
  { name: "events_consumer_unknown_type_total", type: "counter", help: "Events acknowledged without a handler for their type.", samples: (s) => byGroup(s, "unknownType") },
  { name: "events_consumer_dead_lettered_total", type: "counter", help: "Events this process dead-lettered.", samples: (s) => byGroup(s, "deadLettered") },
  { name: "events_consumer_retries_total", type: "counter", help: "Handler failures retried.", samples: (s) => byGroup(s, "retries") },
  { name: "events_consumer_claimed_total", type: "counter", help: "Messages claimed from stalled consumers.", samples: (s) => byGroup(s, "claimed") },
  { name: "events_consumer_forgotten_total", type: "counter", help: "Dead consumers (idle, nothing pending) removed from the group.", samples: (s) => byGroup(s, "forgotten") },
  { name: "events_consumer_gap_events_total", type: "counter", help: "Positions the group found missing on a source stream and asked the source to republish.", samples: (s) => byGroup(s, "gapEvents") },
  { name: "events_consumer_repair_requests_total", type: "counter", help: "Repair requests the group sent to source relays.", samples: (s) => byGroup(s, "repairRequests") },
  { name: "events_consumer_unrepaired_gap_events", type: "gauge", help: "Positions missing for longer than the repair deadline (events lost unless the source still holds them); alert above 0.", samples: (s) => byGroup(s, "unrepairedGap") },
  { name: "events_relay_bus_losses_total", type: "counter", help: "Times the relay found the bus holding less than it had accepted (reset, restored snapshot, lagging replica).", samples: (s) => (s.relays ?? []).map((r) => [{ stream: r.source }, r.lossesDetected]) },
  { name: "events_relay_republished_total", type: "counter", help: "Events the relay republished because the bus had lost them.", samples: (s) => (s.relays ?? []).map((r) => [{ stream: r.source }, r.republished]) },
  { name: "events_relay_repair_requests_total", type: "counter", help: "Repair requests from consumer groups served by the relay.", samples: (s) => (s.relays ?? []).map((r) => [{ stream: r.source }, r.repairRequests ?? 0]) },
  { name: "events_relay_repair_republished_total", type: "counter", help: "Events re-queued for consumer groups' repair requests.", samples: (s) => (s.relays ?? []).map((r) => [{ stream: r.source }, r.repairRepublished ?? 0]) },
  { name: "events_relay_unrepairable_total", type: "counter", help: "Positions a consumer group lacked that the outbox no longer held (lost for good); alert on any increase.", samples: (s) => (s.relays ?? []).map((r) => [{ stream: r.source }, r.unrepairable ?? 0]) },
];

/**
 * Registers the event metrics on `registry`, read from `read()` at scrape time (one read per
 * scrape, shared by all families). When the figures cannot be read (Redis down), the families
 * are empty and events_stats_up is 0, so the service's other metrics are still served.
 */
export function registerEventMetrics(registry: Registry, read: () => Promise<EventStats>): void {
  let current: { at: number; stats: Promise<EventStats | undefined> } | undefined;
  const snapshot = () => {
    if (!current || performance.now() - current.at > 250) current = { at: performance.now(), stats: read().catch(() => undefined) };
    return current.stats;
  };
  new Gauge({
    name: "events_stats_up", help: "1 when the event figures could be read at this scrape.", registers: [registry],
    async collect() { this.set((await snapshot()) ? 1 : 0); },
  });
  for (const f of FAMILIES) {
    const labelNames = ["stream", "group"];
    const fill = async (metric: Gauge | Counter) => {
      metric.reset();
      const stats = await snapshot();
      if (!stats) return;
      for (const [labels, value] of f.samples(stats)) {
        const v = Number.isFinite(value) ? value : 0;
        if (metric instanceof Gauge) metric.set(labels, v);
        else metric.inc(labels, v);
      }
    };
    if (f.type === "gauge") new Gauge({ name: f.name, help: f.help, labelNames, registers: [registry], async collect() { await fill(this); } });
    else new Counter({ name: f.name, help: f.help, labelNames, registers: [registry], async collect() { await fill(this); } });
  }
}

/** Renders given stats as Prometheus text (for tests and one-off reports). */
export async function renderEventMetrics(stats: EventStats): Promise<string> {
  const registry = new Registry();
  registerEventMetrics(registry, async () => stats);
  return registry.metrics();
}
