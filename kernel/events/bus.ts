// The seam between relays, consumers and the transport. Redis Streams (services mode) and an
// in-memory bus (embedded mode) both implement it with the same semantics, so relay and consumer
// code is identical in both modes.
import type { EventEnvelope } from "./types";

/** What the bus reports back for a publish. */
export interface PublishAck {
  /**
   * True when the bus refused the publish (nothing was appended) because it has no record of this
   * source's earlier publishes: its storage was lost (Redis restarted without persistence, or a new
   * in-process bus), so messages published earlier but not yet consumed may be gone. The relay
   * republishes its newest event (consumer groups then ask for the positions they lack), calls
   * confirmStorage, and publishes again.
   */
  storageReset: boolean;
}

/** One message handed to one consumer of a group. */
export interface Delivery {
  /** Source silo (the stream it travels on). */
  stream: string;
  /** The bus's own id for the message (a Redis stream entry id). */
  messageId: string;
  /** The decoded event; absent when the message could not be decoded (see decodeError). */
  envelope?: EventEnvelope;
  decodeError?: string;
  /** The undecodable message text, kept for its dead letter. */
  raw?: string;
  /** How many times the bus has handed this message out, this time included (at least 1). */
  deliveries: number;
}

/** One consumer's handle on a consumer group over some streams. */
export interface GroupReader {
  /** This consumer's own unacknowledged messages first, then new ones; waits up to blockMs when there are none. */
  read(count: number, blockMs: number): Promise<Delivery[]>;
  /** Takes over messages any consumer has left unacknowledged for at least minIdleMs (a dead consumer's). */
  claimStale(minIdleMs: number, count: number): Promise<Delivery[]>;
  /**
   * Removes other consumers that hold no pending messages and have been idle at least idleMs (dead
   * processes: every restart joins under a new name). Returns how many. Optional: an in-process
   * bus forgets its consumers with the process.
   */
  forgetIdleConsumers?(idleMs: number): Promise<number>;
  /** Acknowledges messages: the group will not hand them out again. */
  ack(deliveries: Delivery[]): Promise<void>;
  /** Moves a message to the group's dead letters with its error text, then acknowledges it. */
  deadLetter(delivery: Delivery, error: string, attempts: number): Promise<void>;
  /**
   * Streams on which this reader found its group missing and created it since the last call (on
   * Redis: the group, and with it the stream, was lost). Reported in the log. Optional.
   */
  takeCreatedStreams?(): string[];
  /** Entries of the stream not yet delivered to the group (null: the bus cannot tell). Optional. */
  lag?(stream: string): Promise<number | null>;
  /** Stops reading; unacknowledged messages stay pending for another consumer to claim. */
  close(): Promise<void>;
}

/** A consumer group's request that a source republish positions `from` … `to` (open-ended without `to`). */
export interface RepairRequest {
  group: string;
  from: number;
  to?: number;
}

export interface GroupStats {
  group: string;
  consumers: number;
  /** Delivered to a consumer but not yet acknowledged. */
  pending: number;
  /** Not yet delivered to any consumer of the group; null when the bus cannot tell. */
  lag: number | null;
}

export interface DeadLetterStats {
  group: string;
  count: number;
  lastError: string | null;
  lastAt: string | null;
}

export interface StreamStats {
  stream: string;
  length: number;
  groups: GroupStats[];
  deadLetters: DeadLetterStats[];
}

/** A transport of events from source silos' relays to consumer groups, at least once. */
export interface EventBus {
  /** Appends events to the source's stream unless its storage was reset; resolves once the bus has accepted them. */
  publish(source: string, events: EventEnvelope[]): Promise<PublishAck>;
  /** Whether the source's storage was lost since confirmStorage was last called (see PublishAck). */
  storageReset(source: string): Promise<boolean>;
  /** Records that the source's relay has handled the loss of its storage (see PublishAck). */
  confirmStorage(source: string): Promise<void>;
  /**
   * The highest position the bus has accepted for the source (set atomically with each publish,
   * so a restored snapshot or a lagging replica reports its own, older value): null when unknown.
   * Lets the relay notice a bus that came back with older data. Optional.
   */
  highWater?(source: string): Promise<number | null>;
  /** Leaves a repair request for the source's relay (one per group and `from`; a newer one replaces it). Optional. */
  requestRepair?(source: string, request: RepairRequest): Promise<void>;
  /**
   * Claims the right to ask the source's relay for the group's holes while its position is stuck at
   * `stuckAt`, for `forMs`: true for the first consumer of the group to claim it, false for the
   * others until it lapses. The consumers of one group share their positions and so see the same
   * holes; without the claim each would ask, and a request the relay served before another's arrived
   * would be republished twice. Optional (without it, every consumer asks).
   */
  claimRepairAsk?(source: string, group: string, stuckAt: number, forMs: number): Promise<boolean>;
  /** Takes (and removes) the repair requests left for the source's relay. Optional. */
  takeRepairRequests?(source: string): Promise<RepairRequest[]>;
  /** Joins `group` as `consumer` on the given source streams (groups start at the stream's beginning). */
  openGroup(group: string, consumer: string, streams: string[]): GroupReader;
  /** Length, groups and dead letters of each source stream. */
  streamStats(streams: string[]): Promise<StreamStats[]>;
  /** Releases connections or timers the bus owns. */
  close(): Promise<void>;
}
