// The gateway's rate limiter (rate-limiter-flexible): counters in Redis when the gateway has one,
// so every replica shares them, otherwise in memory. When Redis fails, an in-memory limiter
// takes over for that replica (insuranceLimiter) rather than letting everything through.
//
// With Redis, a replica does not ask Redis on every request: it takes points in leases (a block of
// about 1/30 of a budget, one Redis round trip) and spends them locally, and once Redis says a key
// is over its budget it refuses that key locally until the window ends. A budget is therefore never
// exceeded; it may be reached early by the points a replica leased and did not spend (under one
// lease per replica per window). Small budgets (under 60 points) lease one point at a time, exactly
// as before. The failed sign-ins of an address are read from Redis at most once a second per
// address (this replica's own failures count at once).
import type { ServerResponse } from "node:http";
import { GraphQLError } from "graphql";
import type Redis from "ioredis";
import { HeaderMap } from "@apollo/server";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Budget, RateLimits } from "./config";

export const RATE_LIMITED = "RATE_LIMITED";

export interface GatewayRateLimiter {
  /** Before reading a request: false (and a 429 sent) when the address is over budget or has failed sign-in too often. */
  admitAddress(address: string, res: ServerResponse): Promise<boolean>;
  /** After the token is verified: throws RATE_LIMITED (429) when the subject is over budget. */
  chargeSubject(subject: string): Promise<void>;
  /** After a failed sign-in: counts it against the address. */
  chargeFailedAuth(address: string): Promise<void>;
}

function limiter(budget: Budget, prefix: string, redis?: Redis): RateLimiterAbstract {
  const options = { points: budget.points, duration: budget.seconds, keyPrefix: prefix };
  if (!redis) return new RateLimiterMemory(options);
  return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
}

const retryAfter = (res: { msBeforeNext: number }) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** Local points of one key: spent without asking the store until gone or the window ends. */
interface Lease {
  left: number;
  /** Epoch ms at which the store's window for this key ends. */
  until: number;
  /** The store said the key is over its budget: refuse until `until`. */
  over: boolean;
  /** A lease being taken for this key (later requests wait for it instead of taking their own). */
  pending?: Promise<void>;
}

/** Keys with a local lease remembered (the oldest forgotten first; a forgotten lease's points are lost, never gained). */
const LEASES_MAX = 10_000;
/** How long a read of an address's failed sign-ins serves this replica. */
const FAILED_READ_MS = 1000;

export interface Consumer {
  /** True when admitted; otherwise the milliseconds before the key's window ends. */
  consume(key: string): Promise<true | { msBeforeNext: number }>;
}

/** Points of `budget` taken per store round trip: 1 for small budgets, about 1/30 of larger ones. */
export function leaseSize(budget: Budget): number {
  return Math.max(1, Math.floor(budget.points / 30));
}

/**
 * Spends `store`'s points in leases of `lease` points (see the file's header). A store failure
 * with no insurance answer admits, as the limiter always has.
 */
export function leasedConsumer(store: RateLimiterAbstract, lease: number): Consumer {
  const leases = new Map<string, Lease>();
  const take = async (key: string, entry: Lease): Promise<void> => {
    let res: RateLimiterRes;
    try {
      res = await store.consume(key, lease);
    } catch (rej) {
      if (!(rej instanceof RateLimiterRes)) {
        entry.left += 1; // the store failed and no insurance answered: admit this one request
        return;
      }
      res = rej;
    }
    const now = Date.now();
    // Points of this lease within the budget (the store counts the whole lease even when it overshoots).
    const granted = Math.max(0, Math.min(lease, store.points - (res.consumedPoints - lease)));
    if (entry.until <= now) entry.left = 0;
    entry.left += granted;
    entry.until = now + Math.max(0, res.msBeforeNext);
    entry.over = granted < lease;
  };
  return {
    async consume(key) {
      for (;;) {
        let entry = leases.get(key);
        const now = Date.now();
        if (entry && entry.until <= now && !entry.pending) {
          leases.delete(key);
          entry = undefined;
        }
        if (!entry) {
          if (leases.size >= LEASES_MAX) leases.delete(leases.keys().next().value as string);
          leases.set(key, (entry = { left: 0, until: 0, over: false }));
        }
        if (entry.left > 0) {
          entry.left -= 1;
          return true;
        }
        if (entry.over && entry.until > now) return { msBeforeNext: entry.until - now };
        if (entry.pending) {
          await entry.pending;
          continue;
        }
        const current = entry;
        current.pending = take(key, current).finally(() => (current.pending = undefined));
        await current.pending;
        if (current.left > 0) {
          current.left -= 1;
          return true;
        }
        if (current.over) return { msBeforeNext: Math.max(1, current.until - Date.now()) };
      }
    },
  };
}

/** Without a shared store: the in-memory limiter, one point per request. */
function directConsumer(store: RateLimiterAbstract): Consumer {
  return {
    async consume(key) {
      try {
        await store.consume(key);
        return true;
      } catch (rej) {
        if (rej instanceof RateLimiterRes) return rej;
        return true; // the store failed and no insurance answered: never fail a request on the limiter
      }
    },
  };
}
const message = (seconds: number, what: string) => `Too many ${what}: try again in ${seconds} s.`;

/** Builds the limiter; `prefix` keeps Redis keys of different deployments (and tests) apart. */
export function gatewayRateLimiter(limits: RateLimits, redis?: Redis, prefix = "gateway:rl:"): GatewayRateLimiter | undefined {
  if (!limits.enabled) return undefined;
  const consumer = (budget: Budget, name: string) => {
    const store = limiter(budget, `${prefix}${name}`, redis);
    return redis ? leasedConsumer(store, leaseSize(budget)) : directConsumer(store);
  };
  const address = consumer(limits.perAddress, "addr");
  const subject = consumer(limits.perSubject, "sub");
  const failed = limiter(limits.failedAuthPerAddress, `${prefix}auth`, redis);
  // This replica's latest read of each address's failed sign-ins (only with Redis: in memory the read is free).
  const failedReads = new Map<string, { consumed: number; msBeforeNext: number; readAt: number }>();
  const failures = async (addr: string): Promise<{ consumedPoints: number; msBeforeNext: number } | null> => {
    if (!redis) return failed.get(addr).catch(() => null);
    const now = Date.now();
    const known = failedReads.get(addr);
    if (known && now - known.readAt < FAILED_READ_MS && known.msBeforeNext - (now - known.readAt) > 0) {
      return { consumedPoints: known.consumed, msBeforeNext: known.msBeforeNext - (now - known.readAt) };
    }
    const res = await failed.get(addr).catch(() => null);
    // An address with no failures is remembered as such for the same second.
    rememberFailures(addr, res?.consumedPoints ?? 0, res ? res.msBeforeNext : FAILED_READ_MS);
    return res;
  };
  const rememberFailures = (addr: string, consumed: number, msBeforeNext: number) => {
    if (failedReads.has(addr)) failedReads.delete(addr);
    else if (failedReads.size >= LEASES_MAX) failedReads.delete(failedReads.keys().next().value as string);
    failedReads.set(addr, { consumed, msBeforeNext, readAt: Date.now() });
  };
  const refuse = (res: ServerResponse, seconds: number, what: string) => {
    res.writeHead(429, { "content-type": "application/json", "retry-after": String(seconds) });
    res.end(JSON.stringify({ errors: [{ message: message(seconds, what), extensions: { code: RATE_LIMITED, retryAfterSeconds: seconds } }] }));
    return false;
  };
  return {
    async admitAddress(addr, res) {
      const failedSoFar = await failures(addr);
      if (failedSoFar && failedSoFar.consumedPoints >= limits.failedAuthPerAddress.points) return refuse(res, retryAfter(failedSoFar), "failed sign-ins from your address");
      const admitted = await address.consume(addr);
      return admitted === true ? true : refuse(res, retryAfter(admitted), "requests from your address");
    },
    async chargeSubject(sub) {
      const admitted = await subject.consume(sub);
      if (admitted !== true) {
        const seconds = retryAfter(admitted);
        throw new GraphQLError(message(seconds, "requests for your account"), {
          extensions: { code: RATE_LIMITED, retryAfterSeconds: seconds, http: { status: 429, headers: new HeaderMap([["retry-after", String(seconds)]]) } },
        });
      }
    },
    async chargeFailedAuth(addr) {
      const res = await failed.consume(addr).catch((rej: unknown) => (rej instanceof RateLimiterRes ? rej : undefined));
      // This replica sees its own failures at once.
      if (res && redis) rememberFailures(addr, res.consumedPoints, res.msBeforeNext);
      else failedReads.delete(addr);
    },
  };
}
