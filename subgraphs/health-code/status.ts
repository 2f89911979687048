// A resident's health-code status, derived at read time from the open causes and the latest
// negative result, so the page never says "awaiting test" after the result is out (seed 004).
// Each kind's colour and clearing rule are configuration (causes/rules.ts).
import type { StatusCause } from "./generated/prisma/client";
import { colourOf, rules } from "./causes/rules";

export type Colour = "GREEN" | "YELLOW" | "RED" | "POPUP";

export const LABELS: Record<Colour, string> = { GREEN: "未见异常", YELLOW: "居家观察", RED: "集中观察", POPUP: "弹窗" };

export const RANK: Colour[] = ["RED", "YELLOW", "POPUP", "GREEN"];

/** True when a cause no longer applies given the latest negative result. */
export function clearedByResult(cause: StatusCause, latestNegativeAt: Date | null): boolean {
  // Seed 004: for a medicine pop-up, a negative test taken after the purchase clears it automatically.
  return rules()[cause.kind].rule.type === "NEGATIVE_TEST_AFTER" && latestNegativeAt !== null && latestNegativeAt > cause.raisedAt;
}

/** The colour a set of causes gives (GREEN for none). */
export function colourOfCauses(kinds: Iterable<StatusCause["kind"]>): Colour {
  const colours = new Set([...kinds].map((k) => colourOf(k)));
  return RANK.find((c) => colours.has(c as Exclude<Colour, "GREEN">)) ?? "GREEN";
}

/** The causes still in force and the colour they give. */
export function deriveStatus(openCauses: StatusCause[], latestNegativeAt: Date | null): { colour: Colour; causes: StatusCause[] } {
  const causes = openCauses.filter((c) => !clearedByResult(c, latestNegativeAt));
  return { colour: colourOfCauses(causes.map((c) => c.kind)), causes };
}
