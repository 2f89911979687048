// A KeyValueCache on Redis, so automatic persisted queries registered on one gateway replica are
// known to all. Cache failures degrade to a miss: a cache must never fail a query.
import type Redis from "ioredis";
import type { KeyValueCache, KeyValueCacheSetOptions } from "@apollo/utils.keyvaluecache";

export class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "gateway:",
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key).catch(() => null)) ?? undefined;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttl = options?.ttl;
    const write = ttl ? this.redis.set(this.prefix + key, value, "EX", Math.max(1, Math.ceil(ttl))) : this.redis.set(this.prefix + key, value);
    await write.catch(() => undefined);
  }

  async delete(key: string): Promise<boolean | void> {
    await this.redis.del(this.prefix + key).catch(() => undefined);
  }
}
