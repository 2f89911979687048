// Services mode's bus: one Redis stream per source silo, consumer groups per consuming purpose,
// dead-letter streams per (source, group). Publishes are MULTI/EXEC so a batch is accepted whole.
import Redis, { type RedisOptions } from "ioredis";
import type { EventBus, GroupReader, PublishAck, RepairRequest, StreamStats } from "./bus";
import { deadLetterKey, encodeEntry, epochKey, highWaterKey, repairKey, streamKey } from "./redisCodec";
import { RedisGroupReader } from "./redisGroupReader";
import { redisStreamStats } from "./redisStats";
import { errorText } from "./timing";
import { silentLogger, type EventEnvelope, type Logger } from "./types";

// Checking the epoch key and appending in one atomic step means nothing is appended after a reset
// until the relay has handled the reset (republished its newest event), so nothing new slips in before it.
// The high-water key moves in the same step, so any snapshot or replica holds a value that matches
// its own stream (ARGV[2] is the batch's highest position, 0 when its events carry none).
const PUBLISH_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
for i = 3, #ARGV, 6 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5])
end
local top = tonumber(ARGV[2])
if top > 0 and top > tonumber(redis.call('GET', KEYS[3]) or '0') then redis.call('SET', KEYS[3], ARGV[2]) end
return (#ARGV - 2) / 6`;

export interface RedisStreamsBusOptions {
  /** Connection URL (used when `redis` is not given), e.g. redis://127.0.0.1:6379. */
  url?: string;
  /** A client the caller owns; the bus duplicates it for blocking reads and never closes it. */
  redis?: Redis;
  /** Prepended to every key the bus uses (streams, dead letters, epochs), e.g. "test-1a2b:". Default none. */
  keyPrefix?: string;
  /** Approximate MAXLEN per source stream (XADD MAXLEN ~); must exceed the worst consumer lag. Default 1,000,000. */
  maxLen?: number;
  /** Approximate MAXLEN per dead-letter stream. Default 100,000. */
  deadLetterMaxLen?: number;
  /** Timeout of non-blocking commands, so a half-open connection fails instead of hanging. Default 10 s. */
  commandTimeoutMs?: number;
  logger?: Logger;
}

/** An EventBus over Redis Streams (Redis 7+: XAUTOCLAIM and XINFO GROUPS lag). */
export class RedisStreamsBus implements EventBus {
  readonly redis: Redis;
  readonly maxLen: number;
  readonly deadLetterMaxLen: number;
  readonly keyPrefix: string;
  private readonly owned: boolean;
  private readonly logger: Logger;
  private readonly readers = new Set<Redis>();

  constructor(options: RedisStreamsBusOptions) {
    this.logger = options.logger ?? silentLogger;
    this.maxLen = options.maxLen ?? 1_000_000;
    this.deadLetterMaxLen = options.deadLetterMaxLen ?? 100_000;
    this.keyPrefix = options.keyPrefix ?? "";
    this.owned = !options.redis;
    if (options.redis) this.redis = options.redis;
    else if (options.url) this.redis = new Redis(options.url, this.clientOptions(options.commandTimeoutMs ?? 10_000));
    else throw new Error("RedisStreamsBus needs a url or a redis client");
    if (this.owned) this.reportErrors(this.redis, "redis");
  }

  /** XADDs the events (with approximate trimming) in one script, unless the source's epoch key is gone. */
  async publish(source: string, events: EventEnvelope[]): Promise<PublishAck> {
    const args = events.flatMap((e) => encodeEntry(e));
    const top = events.reduce((m, e) => Math.max(m, typeof e.position === "number" ? e.position : 0), 0);
    const keys = [this.streamKey(source), epochKey(source, this.keyPrefix), highWaterKey(source, this.keyPrefix)];
    const appended = await this.redis.eval(PUBLISH_SCRIPT, keys.length, ...keys, this.maxLen, top, ...args);
    return { storageReset: appended === -1 };
  }

  /** True when the source's epoch key is missing: Redis lost what it held for this source. */
  async storageReset(source: string): Promise<boolean> {
    return (await this.redis.exists(epochKey(source, this.keyPrefix))) === 0;
  }

  /** Sets the source's epoch key once its relay has handled the loss of storage. */
  async confirmStorage(source: string): Promise<void> {
    await this.redis.set(epochKey(source, this.keyPrefix), new Date().toISOString());
  }

  /** The highest position this Redis accepted for the source (see EventBus.highWater). */
  async highWater(source: string): Promise<number | null> {
    const value = await this.redis.get(highWaterKey(source, this.keyPrefix));
    return value === null ? null : Number(value);
  }

  /** HSETs the request under "<group>|<from>"; the value is `to` (empty: open-ended). */
  async requestRepair(source: string, r: RepairRequest): Promise<void> {
    await this.redis.hset(repairKey(source, this.keyPrefix), `${r.group}|${r.from}`, r.to === undefined ? "" : String(r.to));
  }

  /** SET NX PX on "<repair key>:asked:<group>:<stuckAt>": one consumer of the group asks per claim. */
  async claimRepairAsk(source: string, group: string, stuckAt: number, forMs: number): Promise<boolean> {
    const claimed = await this.redis.set(`${repairKey(source, this.keyPrefix)}:asked:${group}:${stuckAt}`, "1", "PX", Math.max(1, Math.round(forMs)), "NX");
    return claimed === "OK";
  }

  /** HGETALL, then HDEL of exactly the fields read (a request replaced in between is lost, and asked again). */
  async takeRepairRequests(source: string): Promise<RepairRequest[]> {
    const key = repairKey(source, this.keyPrefix);
    const all = await this.redis.hgetall(key);
    const fields = Object.keys(all);
    if (fields.length === 0) return [];
    await this.redis.hdel(key, ...fields);
    return fields.flatMap((field) => {
      const cut = field.lastIndexOf("|");
      const r: RepairRequest = { group: field.slice(0, cut), from: Number(field.slice(cut + 1)) };
      if (all[field]) r.to = Number(all[field]);
      return cut > 0 && Number.isSafeInteger(r.from) && r.from > 0 && (r.to === undefined || Number.isSafeInteger(r.to)) ? [r] : [];
    });
  }

  /** The Redis key of a source's stream (with this bus's prefix). */
  streamKey(source: string): string {
    return streamKey(source, this.keyPrefix);
  }

  /** The Redis key of a group's dead letters for a source (with this bus's prefix). */
  deadLetterKey(source: string, group: string): string {
    return deadLetterKey(source, group, this.keyPrefix);
  }

  /** Opens a group reader with its own connection, since XREADGROUP BLOCK holds a connection. */
  openGroup(group: string, consumer: string, streams: string[]): GroupReader {
    const conn = this.redis.duplicate(this.clientOptions(undefined));
    this.reportErrors(conn, "redis reader");
    this.readers.add(conn);
    const release = () => void this.readers.delete(conn);
    return new RedisGroupReader(this, conn, group, consumer, streams, this.logger, release);
  }

  /** XLEN, XINFO GROUPS and dead-letter counts for each source stream. */
  async streamStats(streams: string[]): Promise<StreamStats[]> {
    return redisStreamStats(this.redis, streams, this.keyPrefix);
  }

  /** Closes reader connections and, if the bus created it, the main client. */
  async close(): Promise<void> {
    for (const conn of this.readers) conn.disconnect();
    this.readers.clear();
    if (this.owned) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private clientOptions(commandTimeout: number | undefined): RedisOptions {
    // Few retries per command: callers (relay, consumer) back off themselves, and must see an
    // outage as an error rather than as a command queued forever.
    return {
      maxRetriesPerRequest: 2,
      commandTimeout,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    };
  }

  private reportErrors(conn: Redis, what: string): void {
    let last = 0;
    conn.on("error", (err: unknown) => {
      // Reconnection attempts fail every few hundred ms during an outage: one warning per 10 s.
      if (Date.now() - last < 10_000) return;
      last = Date.now();
      this.logger.warn(`${what} connection error`, { error: errorText(err) });
    });
  }
}
