// Check-in hints across processes: Redis pub/sub carries ids from the venues silo to the feed
// (services mode only; the in-process channel is exercised by feed.test.ts).
import { randomBytes } from "node:crypto";
import { redisHints, type CheckInHint } from "../../kernel/feed/hints";
import { TEST_REDIS_URL } from "../support/services";
import { waitFor } from "../events/helpers/wait";

const maybe = TEST_REDIS_URL ? describe : describe.skip;

maybe("check-in hints over Redis pub/sub", () => {
  test("a hint published by one connection reaches a subscriber on another, under this test's own prefix", async () => {
    const prefix = `test-hints-${randomBytes(6).toString("hex")}:`;
    const publisher = redisHints(TEST_REDIS_URL!, prefix);
    const feed = redisHints(TEST_REDIS_URL!, prefix);
    const other = redisHints(TEST_REDIS_URL!, `${prefix}other:`);
    const got: CheckInHint[] = [];
    const stray: CheckInHint[] = [];
    try {
      feed.subscribe((h) => got.push(h));
      other.subscribe((h) => stray.push(h));
      const hint = { registrarId: "p_registrar", registerId: "register-1", checkInId: "c-1" };
      // The subscription is asynchronous: publish until the first one lands.
      await waitFor("the hint to arrive", async () => {
        publisher.publish(hint);
        return got.length > 0;
      }, 10_000, 100);
      expect(got[0]).toEqual(hint);
      expect(stray).toEqual([]);
    } finally {
      await Promise.all([publisher.close(), feed.close(), other.close()]);
    }
  });
});
