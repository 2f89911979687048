// Check-in hints: "registrar R has a new visitor on register G", published by the venues silo
// after each check-in commits and read by the live feed beside the gateway. A hint carries ids
// only (pseudonymous registrar id, register id, check-in id), never a visitor. It is a wake-up
// call, not the data: the feed then reads the registrar's history through the graph, as the
// registrar, so a lost hint delays a row until the next hint or poll but never loses it.
// In one process (npm start, tests) hints travel on an in-process emitter; across processes
// (services mode) on Redis pub/sub.
import { EventEmitter } from "node:events";
import Redis from "ioredis";

export interface CheckInHint { registrarId: string; registerId: string; checkInId: string }

export interface HintChannel {
  publish(hint: CheckInHint): void;
  /** Calls `listener` for every hint; returns the unsubscribe function. */
  subscribe(listener: (hint: CheckInHint) => void): () => void;
  close(): Promise<void>;
}

const processEmitter = new EventEmitter();
processEmitter.setMaxListeners(0);

/** The channel every part of this process shares. */
export function inProcessHints(): HintChannel {
  return {
    publish: (hint) => void processEmitter.emit("hint", hint),
    subscribe(listener) {
      processEmitter.on("hint", listener);
      return () => void processEmitter.off("hint", listener);
    },
    close: async () => undefined,
  };
}

/** Hints on a Redis pub/sub channel (`<prefix>venues:check-in-hints`); Redis errors drop hints, never check-ins. */
export function redisHints(url: string, prefix = ""): HintChannel {
  const channel = `${prefix}venues:check-in-hints`;
  const pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  pub.on("error", () => undefined);
  let sub: Redis | undefined;
  const listeners = new Set<(hint: CheckInHint) => void>();
  return {
    publish: (hint) => void pub.publish(channel, `${hint.registrarId}\n${hint.registerId}\n${hint.checkInId}`).catch(() => undefined),
    subscribe(listener) {
      if (!sub) {
        sub = new Redis(url, { lazyConnect: false });
        sub.on("error", () => undefined);
        void sub.subscribe(channel).catch(() => undefined);
        sub.on("message", (_c: string, message: string) => {
          const [registrarId, registerId, checkInId] = message.split("\n");
          if (registrarId && registerId && checkInId) for (const l of listeners) l({ registrarId, registerId, checkInId });
        });
      }
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      pub.disconnect();
      sub?.disconnect();
    },
  };
}

/** Redis when REDIS_URL is set, else the in-process channel. */
export function hintsFromEnv(env: NodeJS.ProcessEnv = process.env): HintChannel {
  const url = env.REDIS_URL?.trim();
  return url ? redisHints(url, env.EVENTS_KEY_PREFIX?.trim() ?? "") : inProcessHints();
}
