// The gateway's leased rate limiting: a replica takes points from the shared store in leases and
// spends them locally; the budget is never exceeded, across replicas sharing one store.
import { RateLimiterMemory } from "rate-limiter-flexible";
import { leasedConsumer, leaseSize } from "../../gateway/rateLimit/limiter";

async function admitted(consume: () => Promise<unknown>, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) if ((await consume()) === true) ok++;
  return ok;
}

test("lease size: one point for small budgets, about a thirtieth of larger ones", () => {
  expect(leaseSize({ points: 5, seconds: 60 })).toBe(1);
  expect(leaseSize({ points: 59, seconds: 10 })).toBe(1);
  expect(leaseSize({ points: 300, seconds: 10 })).toBe(10);
  expect(leaseSize({ points: 3000, seconds: 10 })).toBe(100);
});

test("one replica spends exactly its budget, then is refused with the time left in the window", async () => {
  const store = new RateLimiterMemory({ points: 300, duration: 10 });
  const limiter = leasedConsumer(store, 10);
  expect(await admitted(() => limiter.consume("alice"), 400)).toBe(300);
  const refusal = await limiter.consume("alice");
  expect(refusal).not.toBe(true);
  expect((refusal as { msBeforeNext: number }).msBeforeNext).toBeGreaterThan(0);
  expect((refusal as { msBeforeNext: number }).msBeforeNext).toBeLessThanOrEqual(10_000);
  // Another key has its own budget.
  expect(await limiter.consume("bob")).toBe(true);
});

test("a budget that is not a multiple of the lease is still spent to the last point", async () => {
  const store = new RateLimiterMemory({ points: 95, duration: 10 });
  const limiter = leasedConsumer(store, 10);
  expect(await admitted(() => limiter.consume("k"), 200)).toBe(95);
});

test("two replicas sharing a store never exceed the budget together", async () => {
  const store = new RateLimiterMemory({ points: 300, duration: 10 });
  const [a, b] = [leasedConsumer(store, 10), leasedConsumer(store, 10)];
  let ok = 0;
  for (let i = 0; i < 400; i++) if ((await (i % 2 ? a : b).consume("k")) === true) ok++;
  expect(ok).toBeLessThanOrEqual(300);
  expect(ok).toBeGreaterThanOrEqual(300 - 2 * 10);
});

test("concurrent requests of one key wait for one lease instead of taking one each", async () => {
  const store = new RateLimiterMemory({ points: 300, duration: 10 });
  const consume = jest.spyOn(store, "consume");
  const limiter = leasedConsumer(store, 10);
  const results = await Promise.all(Array.from({ length: 10 }, () => limiter.consume("k")));
  expect(results.every((r) => r === true)).toBe(true);
  expect(consume).toHaveBeenCalledTimes(1);
});

test("a store failure with no insurance admits, as before", async () => {
  const store = new RateLimiterMemory({ points: 300, duration: 10 });
  jest.spyOn(store, "consume").mockRejectedValue(new Error("store down"));
  expect(await leasedConsumer(store, 10).consume("k")).toBe(true);
});
