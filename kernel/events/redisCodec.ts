// How events sit in Redis: key names, the fields of a stream entry, and parsing of the raw
// replies ioredis hands back for stream commands.
import type { Delivery } from "./bus";
import type { EventEnvelope } from "./types";

// Every key takes an optional prefix, so several graphs (tests, staging beside dev) can share one
// Redis without seeing each other's streams.
/** The stream a source silo's relay publishes to. */
export const streamKey = (source: string, prefix = ""): string => `${prefix}events:${source}`;
/** A group's dead letters for one source stream. */
export const deadLetterKey = (source: string, group: string, prefix = ""): string => `${prefix}dlq:${source}:${group}`;
/** Present while Redis still holds everything the source published (see PublishAck.storageReset). */
export const epochKey = (source: string, prefix = ""): string => `${prefix}events-epoch:${source}`;
/** The highest position accepted on the source's stream, written atomically with each publish. */
export const highWaterKey = (source: string, prefix = ""): string => `${prefix}events-high:${source}`;
/** Repair requests for the source's relay: a hash, field "<group>|<from>", value `to` (empty: open-ended). */
export const repairKey = (source: string, prefix = ""): string => `${prefix}events-repair:${source}`;

/** The fields of a stream entry: id and type for operators reading the stream, the event as JSON. */
export function encodeEntry(e: EventEnvelope): string[] {
  return ["id", e.id, "type", e.type, "event", JSON.stringify(e)];
}

/** A raw stream entry as `[id, [field, value, …]]`; fields are null when the entry was deleted. */
export type RawEntry = [string, string[] | null];

/** Turns a stream entry into a Delivery; a malformed entry becomes one with a decodeError. */
export function decodeEntry(stream: string, [messageId, fields]: RawEntry, deliveries: number): Delivery {
  const raw = fieldValue(fields ?? [], "event");
  if (raw === undefined) return { stream, messageId, deliveries, decodeError: "entry has no event field" };
  try {
    const e = JSON.parse(raw) as Partial<EventEnvelope> | null;
    if (!e || typeof e.id !== "string" || typeof e.type !== "string" || typeof e.payload !== "object") {
      return { stream, messageId, deliveries, raw, decodeError: "event is missing id, type or payload" };
    }
    return { stream, messageId, deliveries, envelope: e as EventEnvelope };
  } catch (err) {
    return { stream, messageId, deliveries, raw, decodeError: `event is not JSON: ${(err as Error).message}` };
  }
}

/** The value of `name` in a flat `[field, value, …]` list. */
export function fieldValue(fields: unknown[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return String(fields[i + 1]);
  return undefined;
}

/** A flat `[field, value, …]` reply (XINFO) as an object. */
export function pairs(reply: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const list = Array.isArray(reply) ? reply : [];
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

/** XREADGROUP's reply (`[[key, entries]]` or null) as entries per source stream. */
export function readReply(reply: unknown, sourceOf: (key: string) => string): Array<[string, RawEntry[]]> {
  if (!Array.isArray(reply)) return [];
  return (reply as Array<[string, RawEntry[]]>).map(([key, entries]) => [sourceOf(key), entries ?? []]);
}

/** True when a Redis error says the consumer group (or its stream) does not exist. */
export function isNoGroup(err: unknown): boolean {
  return err instanceof Error && /NOGROUP|no such key/i.test(err.message);
}
