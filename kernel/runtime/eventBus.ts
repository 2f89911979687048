// Which bus a process uses: Redis Streams when REDIS_URL is set (services mode), otherwise an
// in-process bus, which connects only the silos hosted in the same process (embedded `npm start`).
import { optionalEnv } from "../config/env";
import { InProcessBus, RedisStreamsBus, type EventBus, type Logger } from "../events";

/** The event bus the environment asks for. */
export function busFromEnv(env: NodeJS.ProcessEnv, logger?: Logger): EventBus {
  const url = optionalEnv(env, "REDIS_URL");
  if (!url) return new InProcessBus();
  return new RedisStreamsBus({ url, keyPrefix: optionalEnv(env, "EVENTS_KEY_PREFIX"), logger });
}

/** Warnings of the event kernel on stderr; its fields are ids, counts and error texts, never payloads. */
export function consoleLogger(name: string): Logger {
  return {
    warn: (msg, fields) => console.warn(`${name}: ${msg}`, fields ? JSON.stringify(fields) : ""),
    error: (msg, fields) => console.error(`${name}: ${msg}`, fields ? JSON.stringify(fields) : ""),
  };
}
