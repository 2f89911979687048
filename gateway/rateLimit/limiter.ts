// The gateway's rate limiter (rate-limiter-flexible): counters in Redis when the gateway has one,
// so every replica shares them, otherwise in memory. When Redis fails, an in-memory limiter
// takes over for that replica (insuranceLimiter) rather than letting everything through.
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

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
const message = (seconds: number, what: string) => `Too many ${what}: try again in ${seconds} s.`;

/** Builds the limiter; `prefix` keeps Redis keys of different deployments (and tests) apart. */
export function gatewayRateLimiter(limits: RateLimits, redis?: Redis, prefix = "gateway:rl:"): GatewayRateLimiter | undefined {
  if (!limits.enabled) return undefined;
  const address = limiter(limits.perAddress, `${prefix}addr`, redis);
  const subject = limiter(limits.perSubject, `${prefix}sub`, redis);
  const failed = limiter(limits.failedAuthPerAddress, `${prefix}auth`, redis);
  const refuse = (res: ServerResponse, seconds: number, what: string) => {
    res.writeHead(429, { "content-type": "application/json", "retry-after": String(seconds) });
    res.end(JSON.stringify({ errors: [{ message: message(seconds, what), extensions: { code: RATE_LIMITED, retryAfterSeconds: seconds } }] }));
    return false;
  };
  return {
    async admitAddress(addr, res) {
      const failures = await failed.get(addr).catch(() => null);
      if (failures && failures.consumedPoints >= limits.failedAuthPerAddress.points) return refuse(res, retryAfter(failures), "failed sign-ins from your address");
      try {
        await address.consume(addr);
        return true;
      } catch (rej) {
        if (rej instanceof RateLimiterRes) return refuse(res, retryAfter(rej), "requests from your address");
        return true; // the store failed and no insurance answered: never fail a request on the limiter
      }
    },
    async chargeSubject(sub) {
      try {
        await subject.consume(sub);
      } catch (rej) {
        if (!(rej instanceof RateLimiterRes)) return;
        const seconds = retryAfter(rej);
        throw new GraphQLError(message(seconds, "requests for your account"), {
          extensions: { code: RATE_LIMITED, retryAfterSeconds: seconds, http: { status: 429, headers: new HeaderMap([["retry-after", String(seconds)]]) } },
        });
      }
    },
    async chargeFailedAuth(addr) {
      await failed.consume(addr).catch(() => undefined);
    },
  };
}
