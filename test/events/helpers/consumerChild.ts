// A consumer in a process of its own, so a test can kill it with SIGKILL mid-batch (nothing acked,
// transactions cut off). Configured by environment: DATABASE_URL, REDIS_URL, GROUP, STREAM, NAME.
import { Pool } from "pg";
import { pgDatabase } from "../../../kernel/db/sql";
import { RedisStreamsBus, startConsumer } from "../../../kernel/events";
import { recordEffect } from "./effects";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const db = pgDatabase(new Pool({ connectionString: env("DATABASE_URL"), max: 2 }));
startConsumer({
  bus: new RedisStreamsBus({ url: env("REDIS_URL") }),
  db,
  group: env("GROUP"),
  streams: [env("STREAM")],
  consumerName: env("NAME"),
  batchSize: 50,
  blockMs: 200,
  handlers: {
    // Slow enough that a kill lands in the middle of a batch.
    ResultRecorded: async (e, tx) => {
      await new Promise((r) => setTimeout(r, 3));
      await recordEffect(e, tx);
    },
  },
});
