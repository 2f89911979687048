// Prometheus text exposition of EventStats. Labels are stream and group names only: never event
// ids, aggregate ids, error texts or anything else that could carry personal data.
import type { EventStats } from "./stats";

type Labels = { stream?: string; group?: string };
type Sample = [Labels, number];

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

function family(name: string, type: "gauge" | "counter", help: string, samples: Sample[]): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(String(v))}"`);
    lines.push(`${name}${parts.length ? `{${parts.join(",")}}` : ""} ${Number.isFinite(value) ? value : 0}`);
  }
  return lines;
}

function byGroup(stats: EventStats, key: keyof EventStats["consumers"][number]): Sample[] {
  const sums = new Map<string, number>();
  for (const c of stats.consumers) sums.set(c.group, (sums.get(c.group) ?? 0) + Number(c[key]));
  return [...sums].map(([group, n]) => [{ group }, n]);
}

/** Renders the stats as Prometheus text format (version 0.0.4). */
export function renderEventMetrics(stats: EventStats): string {
  const groups = stats.streams.flatMap((s) => s.groups.map((g) => ({ stream: s.stream, ...g })));
  const lines = [
    ...family("events_outbox_unpublished", "gauge", "Outbox events not yet published to the bus.", stats.outboxes.map((o) => [{ stream: o.source }, o.unpublished])),
    ...family("events_outbox_oldest_unpublished_seconds", "gauge", "Age of the oldest unpublished outbox event (0 when none).", stats.outboxes.map((o) => [{ stream: o.source }, o.oldestAgeSeconds ?? 0])),
    ...family("events_outbox_publish_attempts_max", "gauge", "Most failed publish attempts of an unpublished event.", stats.outboxes.map((o) => [{ stream: o.source }, o.maxAttempts])),
    ...family("events_stream_length", "gauge", "Messages held in the stream.", stats.streams.map((s) => [{ stream: s.stream }, s.length])),
    ...family("events_group_lag", "gauge", "Messages not yet delivered to the group.", groups.filter((g) => g.lag !== null).map((g) => [{ stream: g.stream, group: g.group }, g.lag ?? 0])),
    ...family("events_group_pending", "gauge", "Messages delivered to the group but not acknowledged.", groups.map((g) => [{ stream: g.stream, group: g.group }, g.pending])),
    ...family("events_group_consumers", "gauge", "Consumers known to the group.", groups.map((g) => [{ stream: g.stream, group: g.group }, g.consumers])),
    ...family("events_dead_letters", "gauge", "Dead-lettered messages of the group.", stats.streams.flatMap((s) => s.deadLetters.map((d): Sample => [{ stream: s.stream, group: d.group }, d.count]))),
    ...family("events_consumer_processed_total", "counter", "Events whose effect this process applied.", byGroup(stats, "processed")),
    ...family("events_consumer_duplicates_total", "counter", "Redelivered events skipped as already applied.", byGroup(stats, "duplicates")),
    ...family("events_consumer_unknown_type_total", "counter", "Events acknowledged without a handler for their type.", byGroup(stats, "unknownType")),
    ...family("events_consumer_dead_lettered_total", "counter", "Events this process dead-lettered.", byGroup(stats, "deadLettered")),
    ...family("events_consumer_retries_total", "counter", "Handler failures retried.", byGroup(stats, "retries")),
    ...family("events_consumer_claimed_total", "counter", "Messages claimed from stalled consumers.", byGroup(stats, "claimed")),
    ...family("events_consumer_forgotten_total", "counter", "Dead consumers (idle, nothing pending) removed from the group.", byGroup(stats, "forgotten")),
    ...family("events_relay_bus_losses_total", "counter", "Times the relay found the bus holding less than it had accepted (reset, restored snapshot, lagging replica).", (stats.relays ?? []).map((r) => [{ stream: r.source }, r.lossesDetected])),
    ...family("events_relay_republished_total", "counter", "Events the relay republished because the bus had lost them.", (stats.relays ?? []).map((r) => [{ stream: r.source }, r.republished])),
  ];
  return `${lines.join("\n")}\n`;
}
