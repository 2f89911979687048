// What Redis can tell an operator about the event streams: length, each group's consumers,
// pending and lag (XINFO GROUPS), and each group's dead letters with the last error.
import type Redis from "ioredis";
import type { DeadLetterStats, GroupStats, StreamStats } from "./bus";
import { deadLetterKey, fieldValue, pairs, streamKey } from "./redisCodec";

/** Stats of the given source streams; a stream that does not exist yet reports zeros. */
export async function redisStreamStats(redis: Redis, streams: string[], prefix = ""): Promise<StreamStats[]> {
  const out: StreamStats[] = [];
  for (const stream of streams) {
    const key = streamKey(stream, prefix);
    const length = await redis.xlen(key);
    const infos = length > 0 || (await redis.exists(key)) ? ((await redis.xinfo("GROUPS", key)) as unknown[]) : [];
    const groups: GroupStats[] = infos.map((info) => {
      const g = pairs(info);
      return {
        group: String(g.name),
        consumers: Number(g.consumers ?? 0),
        pending: Number(g.pending ?? 0),
        // Redis reports lag as nil when it cannot compute it (e.g. after entries were deleted).
        lag: g.lag === null || g.lag === undefined ? null : Number(g.lag),
      };
    });
    const deadLetters: DeadLetterStats[] = [];
    for (const { group } of groups) deadLetters.push(await deadLetterStats(redis, deadLetterKey(stream, group, prefix), group));
    out.push({ stream, length, groups, deadLetters });
  }
  return out;
}

async function deadLetterStats(redis: Redis, key: string, group: string): Promise<DeadLetterStats> {
  const [count, last] = await Promise.all([redis.xlen(key), redis.xrevrange(key, "+", "-", "COUNT", 1)]);
  const fields = last[0]?.[1] ?? [];
  return { group, count, lastError: fieldValue(fields, "error") ?? null, lastAt: fieldValue(fields, "failed_at") ?? null };
}
