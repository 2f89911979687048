// One consumer's reader on a Redis consumer group: XREADGROUP for its own pending entries (after a
// restart under the same name) and then new ones, XAUTOCLAIM for entries dead consumers left,
// XACK, and dead-lettering as XADD to the dead-letter stream plus XACK in one MULTI.
import type Redis from "ioredis";
import type { Delivery, GroupReader } from "./bus";
import { decodeEntry, isNoGroup, pairs, readReply, type RawEntry } from "./redisCodec";
import type { RedisStreamsBus } from "./redisStreamsBus";
import type { Logger } from "./types";

/** A GroupReader over a Redis consumer group; `conn` is its own connection for blocking reads. */
export class RedisGroupReader implements GroupReader {
  private groupsReady = false;
  private ownBacklog = true;
  private readonly claimCursor = new Map<string, string>();
  private created: string[] = [];
  private readonly sourceOf: Map<string, string>;

  constructor(
    private readonly bus: RedisStreamsBus,
    private readonly conn: Redis,
    private readonly group: string,
    private readonly consumer: string,
    private readonly streams: string[],
    private readonly logger: Logger,
    private readonly release: () => void,
  ) {
    this.sourceOf = new Map(streams.map((s) => [bus.streamKey(s), s]));
  }

  async read(count: number, blockMs: number): Promise<Delivery[]> {
    await this.ensureGroups();
    if (this.ownBacklog) {
      const own = await this.readGroup(count, undefined, "0");
      if (own.some(([, entries]) => entries.length > 0)) return this.withDeliveryCounts(own);
      this.ownBacklog = false;
    }
    const fresh = await this.readGroup(count, blockMs > 0 ? blockMs : undefined, ">");
    return fresh.flatMap(([stream, entries]) => entries.map((e) => decodeEntry(stream, e, 1)));
  }

  async claimStale(minIdleMs: number, count: number): Promise<Delivery[]> {
    await this.ensureGroups();
    const claimed: Array<[string, RawEntry[]]> = [];
    for (const stream of this.streams) {
      const reply = (await this.guard(() =>
        this.bus.redis.xautoclaim(this.bus.streamKey(stream), this.group, this.consumer, minIdleMs, this.claimCursor.get(stream) ?? "0-0", "COUNT", count),
      )) as [string, RawEntry[], string[]?];
      this.claimCursor.set(stream, reply[0]);
      claimed.push([stream, reply[1].filter(([, fields]) => fields !== null)]);
    }
    return this.withDeliveryCounts(claimed);
  }

  async forgetIdleConsumers(idleMs: number): Promise<number> {
    await this.ensureGroups();
    let removed = 0;
    for (const stream of this.streams) {
      const key = this.bus.streamKey(stream);
      const consumers = (await this.guard(() => this.bus.redis.xinfo("CONSUMERS", key, this.group))) as unknown[];
      for (const info of consumers) {
        const c = pairs(info);
        // Only consumers with nothing pending: XGROUP DELCONSUMER drops its pending entries with it.
        // (XAUTOCLAIM in claimStale has already moved a dead consumer's pending to a live one.)
        if (c.name === this.consumer || Number(c.pending ?? 0) > 0 || Number(c.idle ?? 0) < idleMs) continue;
        removed += Number(await this.bus.redis.xgroup("DELCONSUMER", key, this.group, String(c.name))) >= 0 ? 1 : 0;
      }
    }
    return removed;
  }

  async ack(deliveries: Delivery[]): Promise<void> {
    for (const stream of this.streams) {
      const ids = deliveries.filter((d) => d.stream === stream).map((d) => d.messageId);
      if (ids.length) await this.bus.redis.xack(this.bus.streamKey(stream), this.group, ...ids);
    }
  }

  async deadLetter(d: Delivery, error: string, attempts: number): Promise<void> {
    const event = d.envelope ? JSON.stringify(d.envelope) : (d.raw ?? "");
    const fields = ["message_id", d.messageId, "event", event, "error", error, "attempts", String(attempts), "consumer", this.consumer, "failed_at", new Date().toISOString()];
    const results = await this.bus.redis
      .multi()
      .xadd(this.bus.deadLetterKey(d.stream, this.group), "MAXLEN", "~", this.bus.deadLetterMaxLen, "*", ...fields)
      .xack(this.bus.streamKey(d.stream), this.group, d.messageId)
      .exec();
    for (const [err] of results ?? []) if (err) throw err;
  }

  async lag(stream: string): Promise<number | null> {
    const infos = (await this.guard(() => this.bus.redis.xinfo("GROUPS", this.bus.streamKey(stream)))) as unknown[];
    const mine = infos.map(pairs).find((g) => g.name === this.group);
    return mine?.lag === null || mine?.lag === undefined ? null : Number(mine.lag);
  }

  takeCreatedStreams(): string[] {
    return this.created.splice(0);
  }

  async close(): Promise<void> {
    this.release();
    await this.conn.quit().catch(() => this.conn.disconnect());
  }

  private async readGroup(count: number, blockMs: number | undefined, from: string): Promise<Array<[string, RawEntry[]]>> {
    const keys = this.streams.map((s) => this.bus.streamKey(s));
    const block = blockMs === undefined ? [] : ["BLOCK", blockMs];
    const reply = await this.guard(() =>
      this.conn.call("XREADGROUP", "GROUP", this.group, this.consumer, "COUNT", count, ...block, "STREAMS", ...keys, ...keys.map(() => from)),
    );
    const batches = readReply(reply, (key) => this.sourceOf.get(key) ?? key);
    // An own pending entry whose message was trimmed away comes back with no fields: nothing is
    // left to apply, so acknowledge it rather than hold it forever.
    const gone = batches.flatMap(([stream, entries]) => entries.filter(([, f]) => f === null).map(([id]) => ({ stream, messageId: id, deliveries: 1 })));
    if (gone.length) {
      this.logger.warn("pending stream entries were trimmed before being processed", { group: this.group, count: gone.length });
      await this.ack(gone);
    }
    return batches.map(([stream, entries]) => [stream, entries.filter(([, f]) => f !== null)]);
  }

  /** Attaches XPENDING's delivery counts, so a message that keeps killing its consumer is dead-lettered. */
  private async withDeliveryCounts(batches: Array<[string, RawEntry[]]>): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (const [stream, entries] of batches) {
      const first = entries[0];
      const last = entries[entries.length - 1];
      if (!first || !last) continue;
      const pending = (await this.bus.redis.xpending(this.bus.streamKey(stream), this.group, first[0], last[0], entries.length + 100, this.consumer)) as Array<[string, string, number, number]>;
      const counts = new Map(pending.map(([id, , , n]) => [id, Number(n)]));
      for (const e of entries) out.push(decodeEntry(stream, e, Math.max(1, counts.get(e[0]) ?? 1)));
    }
    return out;
  }

  private async ensureGroups(): Promise<void> {
    if (this.groupsReady) return;
    for (const stream of this.streams) {
      // From 0, not $: events published before this group first existed are still delivered.
      const made = await this.bus.redis.xgroup("CREATE", this.bus.streamKey(stream), this.group, "0", "MKSTREAM").then(
        () => true,
        (err: Error) => {
          if (!/BUSYGROUP/.test(err.message)) throw err;
          return false;
        },
      );
      if (made) this.created.push(stream);
    }
    this.groupsReady = true;
  }

  /** Runs a group command; if Redis lost the group (a restart without persistence), recreate it next time. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isNoGroup(err)) {
        this.groupsReady = false;
        this.ownBacklog = true;
        this.claimCursor.clear();
      }
      throw err;
    }
  }
}
