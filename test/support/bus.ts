// The event bus of one test graph: in-process in embedded mode; in services mode a Redis Streams
// bus whose keys carry a prefix unique to this graph, deleted when the graph stops.
import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { InProcessBus, RedisStreamsBus, type EventBus } from "../../kernel/events";
import { TEST_REDIS_URL } from "./services";

export interface TestBus {
  bus: EventBus;
  /** Closes the bus and deletes every key it made. */
  dispose(): Promise<void>;
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** A fresh bus for one test graph in the given mode. */
export function testBus(mode: "embedded" | "services"): TestBus {
  if (mode === "embedded") {
    const bus = new InProcessBus();
    return { bus, dispose: () => bus.close() };
  }
  if (!TEST_REDIS_URL) throw new Error("services mode needs TEST_REDIS_URL for the event bus");
  const url = TEST_REDIS_URL;
  const keyPrefix = `hg-test-${randomBytes(4).toString("hex")}:`;
  const bus = new RedisStreamsBus({ url, keyPrefix });
  return { bus, dispose: () => bus.close().then(() => deleteKeys(url, keyPrefix)) };
}
