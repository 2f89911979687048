// The benches' median (bench/support/stats.ts): with an even number of rounds it is the mean of the
// two middle values. The upper middle value made every two-round figure its round's maximum.
import { median } from "../../bench/support/stats";

test("the median of an odd count is the middle value, of an even count the mean of the middle two, of none NaN", () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([0.43, 0.31])).toBeCloseTo(0.37, 10);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([7])).toBe(7);
  expect(median([])).toBeNaN();
  const xs = [5, 1, 4];
  median(xs);
  expect(xs).toEqual([5, 1, 4]);
});
