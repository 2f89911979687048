// Embedded mode's bus: Redis Streams' consumer-group semantics in memory (pending lists, claims,
// acknowledgements, dead letters), so the same relay and consumer code runs without Redis.
// Messages are stored as JSON, as on Redis, so every group gets its own decoded copy.
import type { EventBus, GroupReader, PublishAck, RepairRequest, StreamStats } from "./bus";
import { InProcessReader } from "./inProcessReader";
import type { EventEnvelope } from "./types";
import type { Sleeper } from "./timing";

/** A stored message: the envelope as JSON, as it would sit in Redis. */
export interface Entry { id: string; json: string }
/** A message handed to a consumer and not yet acknowledged. */
export interface Pending { entry: Entry; consumer: string; deliveredAt: number; deliveries: number }
export interface DeadLetter { messageId: string; json: string; error: string; attempts: number; at: string }
/** A consumer group on one stream: `next` is the absolute index of the first message not yet handed out. */
export interface Group { next: number; pending: Map<string, Pending>; consumers: Set<string>; dead: DeadLetter[]; opened?: boolean }
/** One source's stream: `entries[0]` has absolute index `base`. */
export interface Stream { base: number; entries: Entry[]; groups: Map<string, Group> }

export interface InProcessBusOptions {
  /** Most messages kept per stream (oldest dropped first), like XADD MAXLEN; default 100,000. */
  maxLen?: number;
  /** Most dead letters kept per group; default 10,000. */
  maxDeadLetters?: number;
}

/** An in-memory EventBus with consumer groups, for embedded mode and tests. */
export class InProcessBus implements EventBus {
  private readonly streams = new Map<string, Stream>();
  private readonly confirmed = new Set<string>();
  private readonly repairs = new Map<string, Map<string, RepairRequest>>();
  private readonly repairAskClaims = new Map<string, number>();
  private readonly sleepers = new Set<Sleeper>();
  private readonly maxLen: number;
  readonly maxDeadLetters: number;

  constructor(options: InProcessBusOptions = {}) {
    this.maxLen = options.maxLen ?? 100_000;
    this.maxDeadLetters = options.maxDeadLetters ?? 10_000;
  }

  /** The named stream's state, created empty on first use. */
  stream(name: string): Stream {
    let s = this.streams.get(name);
    if (!s) this.streams.set(name, (s = { base: 0, entries: [], groups: new Map() }));
    return s;
  }

  /** The group's state on a stream, created at the stream's first retained message (like XGROUP CREATE … 0). */
  group(stream: string, name: string): Group {
    const s = this.stream(stream);
    let g = s.groups.get(name);
    if (!g) s.groups.set(name, (g = { next: s.base, pending: new Map(), consumers: new Set(), dead: [] }));
    return g;
  }

  /** Appends events to the source's stream and wakes waiting readers (refused until confirmStorage). */
  async publish(source: string, events: EventEnvelope[]): Promise<PublishAck> {
    if (!this.confirmed.has(source)) return { storageReset: true };
    const s = this.stream(source);
    for (const e of events) s.entries.push({ id: `${s.base + s.entries.length + 1}-0`, json: JSON.stringify(e) });
    this.trim(s);
    for (const sleeper of this.sleepers) sleeper.wake();
    return { storageReset: false };
  }

  /** True until confirmStorage: a new in-memory bus holds none of what an earlier process published. */
  async storageReset(source: string): Promise<boolean> {
    return !this.confirmed.has(source);
  }

  /** Records that the source's relay has handled the loss of this (new) bus's storage. */
  async confirmStorage(source: string): Promise<void> {
    this.confirmed.add(source);
  }

  /** Joins a group on the given streams; the first reader of a group on this bus reports its streams as created. */
  openGroup(group: string, consumer: string, streams: string[]): GroupReader {
    const created: string[] = [];
    for (const s of streams) {
      const g = this.group(s, group);
      g.consumers.add(consumer);
      // A new bus is a new process: the group starts empty here, whatever it had applied before.
      if (!g.opened) created.push(s);
      g.opened = true;
    }
    return new InProcessReader(this, group, consumer, streams, created);
  }

  /** Keeps the group's request for the source's relay (replacing an untaken one). */
  async requestRepair(source: string, request: RepairRequest): Promise<void> {
    let bySource = this.repairs.get(source);
    if (!bySource) this.repairs.set(source, (bySource = new Map()));
    bySource.set(`${request.group}|${request.from}`, { ...request });
  }

  /** The first claim of the group's ask per source and stuck position wins until `forMs` have passed. */
  async claimRepairAsk(source: string, group: string, stuckAt: number, forMs: number): Promise<boolean> {
    const now = Date.now();
    for (const [k, until] of this.repairAskClaims) if (until <= now) this.repairAskClaims.delete(k);
    const key = `${source}|${group}|${stuckAt}`;
    if ((this.repairAskClaims.get(key) ?? 0) > now) return false;
    this.repairAskClaims.set(key, now + forMs);
    return true;
  }

  /** Takes the requests left for the source's relay. */
  async takeRepairRequests(source: string): Promise<RepairRequest[]> {
    const bySource = this.repairs.get(source);
    this.repairs.delete(source);
    return bySource ? [...bySource.values()] : [];
  }

  /** Length, groups and dead letters of each stream. */
  async streamStats(streams: string[]): Promise<StreamStats[]> {
    return streams.map((name) => {
      const s = this.stream(name);
      const end = s.base + s.entries.length;
      const groups = [...s.groups.entries()];
      return {
        stream: name,
        length: s.entries.length,
        groups: groups.map(([group, g]) => ({ group, consumers: g.consumers.size, pending: g.pending.size, lag: end - g.next })),
        deadLetters: groups.map(([group, g]) => {
          const last = g.dead[g.dead.length - 1];
          return { group, count: g.dead.length, lastError: last?.error ?? null, lastAt: last?.at ?? null };
        }),
      };
    });
  }

  /** Dead letters of a group on a stream, oldest first (the operator's view). */
  deadLetters(stream: string, group: string): ReadonlyArray<DeadLetter> {
    return this.group(stream, group).dead;
  }

  /** Wakes and stops every waiting reader. */
  async close(): Promise<void> {
    for (const sleeper of this.sleepers) sleeper.stop();
    this.sleepers.clear();
  }

  /** Registers a reader's sleeper so publishes wake it. */
  watch(sleeper: Sleeper): () => void {
    this.sleepers.add(sleeper);
    return () => this.sleepers.delete(sleeper);
  }

  /** Drops messages every group has been handed (pending ones live on in the groups), and caps the length. */
  trim(s: Stream): void {
    const groups = [...s.groups.values()];
    const delivered = groups.length ? Math.min(...groups.map((g) => g.next)) : s.base;
    const cut = Math.max(delivered - s.base, s.entries.length - this.maxLen, 0);
    if (cut === 0) return;
    s.entries.splice(0, cut);
    s.base += cut;
    for (const g of groups) g.next = Math.max(g.next, s.base);
  }
}
