// The shapes every part of the event kernel shares: what a silo writes, what travels on the bus,
// and the optional logger (library code never prints on its own).
import type { Sql } from "../db/sql";

/** A domain event as a silo hands it to the outbox, inside its own transaction. */
export interface NewEvent {
  /** Past-tense fact, e.g. "ResultRecorded"; the consumer's handler key. */
  type: string;
  /** Payload schema version (default 1); bump it for a breaking payload change. */
  version?: number;
  /** Whose event this is: a pseudonymous person id for persons, never an ID number. */
  aggregateId: string;
  payload: Record<string, unknown>;
}

/** An event as stored in a silo's outbox (the source silo is stamped by its relay). */
export interface OutboxEvent {
  id: string;
  type: string;
  version: number;
  aggregateId: string;
  /** ISO 8601 timestamp of the writing transaction's append. */
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** An event as it travels on the bus and reaches handlers. */
export interface EventEnvelope extends OutboxEvent {
  /** The silo whose outbox the event came from; also the stream it travels on. */
  source: string;
  /** The event's position in its source's outbox (increasing, with gaps); lets a relay see what its stream lost. */
  seq?: number;
  /**
   * The event's publication number on its stream: 1, 2, 3 … per source with no holes, assigned by
   * the relay at first publish and kept on republish. Consumers track it to find lost events.
   */
  position?: number;
}

/**
 * Applies one event's effect inside the consumer's transaction (`tx`). `many`, when a handler has
 * it, applies several consecutive events of its type at once (a consumer's batch, in stream order),
 * with the effect of applying them one by one: set-based work done once instead of per event.
 */
export type EventHandler = ((event: EventEnvelope, tx: Sql) => Promise<void>) & { many?: (events: EventEnvelope[], tx: Sql) => Promise<void> };

/** Where the kernel reports trouble; fields carry ids and counts, never payloads. */
export interface Logger {
  warn(msg: string, fields?: object): void;
  /** Losses an operator must act on (events gone for good); falls back to warn when absent. */
  error?(msg: string, fields?: object): void;
}

/** Logs at error level when the logger has one, else as a warning. */
export function logError(logger: Logger, msg: string, fields?: object): void {
  if (logger.error) logger.error(msg, fields);
  else logger.warn(msg, fields);
}

/** A logger that drops everything (the default). */
export const silentLogger: Logger = { warn: () => undefined };
