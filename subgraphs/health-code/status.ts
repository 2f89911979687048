// A resident's health-code status, derived at read time from the open causes and the latest
// negative result, so the page never says "awaiting test" after the result is out (seed 004).
import type { StatusCause } from "./generated/prisma/client";

export type Colour = "GREEN" | "YELLOW" | "RED" | "POPUP";

export const LABELS: Record<Colour, string> = { GREEN: "未见异常", YELLOW: "居家观察", RED: "集中观察", POPUP: "弹窗" };

const COLOUR_OF: Record<StatusCause["kind"], Colour> = {
  CENTRAL_QUARANTINE: "RED",
  HOME_OBSERVATION: "YELLOW",
  POPUP_TRAVEL: "POPUP",
  POPUP_RISK_POINT: "POPUP",
  POPUP_MEDICINE: "POPUP",
};
const RANK: Colour[] = ["RED", "YELLOW", "POPUP", "GREEN"];

/** True when a cause no longer applies given the latest negative result. */
export function clearedByResult(cause: StatusCause, latestNegativeAt: Date | null): boolean {
  // Seed 004: for a medicine pop-up, a negative test taken after the purchase clears it automatically.
  return cause.kind === "POPUP_MEDICINE" && latestNegativeAt !== null && latestNegativeAt > cause.raisedAt;
}

/** The causes still in force and the colour they give. */
export function deriveStatus(openCauses: StatusCause[], latestNegativeAt: Date | null): { colour: Colour; causes: StatusCause[] } {
  const causes = openCauses.filter((c) => !clearedByResult(c, latestNegativeAt));
  const colours = new Set(causes.map((c) => COLOUR_OF[c.kind]));
  const colour = RANK.find((c) => colours.has(c)) ?? "GREEN";
  return { colour, causes };
}

export const HOW_TO_CLEAR: Record<StatusCause["kind"], string> = {
  CENTRAL_QUARANTINE: "Cleared by the health commission when central quarantine ends.",
  HOME_OBSERVATION: "Cleared by your community when home observation ends.",
  POPUP_TRAVEL: "Two negative tests 24 hours apart, then report to your community (or appeal a wrong pop-up).",
  POPUP_RISK_POINT: "Two negative tests 24 hours apart, then report to your community (or appeal a wrong pop-up).",
  POPUP_MEDICINE: "A negative test taken after the purchase clears it automatically; no testing agency may refuse you.",
};
