// RESULTS_WRITE_PARTS (subgraphs/testing/results.ts): how many transactions a large upload is
// written in; a value out of range stops the silo at start with a message naming the setting.
import { resultWriteParts } from "../../subgraphs/testing/results";

describe("RESULTS_WRITE_PARTS", () => {
  it("defaults to 2 and takes a whole number from 1 to 8", () => {
    expect(resultWriteParts({})).toBe(2);
    expect(resultWriteParts({ RESULTS_WRITE_PARTS: "" })).toBe(2);
    expect(resultWriteParts({ RESULTS_WRITE_PARTS: "1" })).toBe(1);
    expect(resultWriteParts({ RESULTS_WRITE_PARTS: "8" })).toBe(8);
  });

  it.each(["0", "9", "2.5", "two", "-1"])("refuses %p, naming the setting", (raw) => {
    expect(() => resultWriteParts({ RESULTS_WRITE_PARTS: raw })).toThrow(/RESULTS_WRITE_PARTS must be a whole number from 1 to 8/);
  });
});
