// The consumer groups the health-code silo runs: durable side effects of other silos' facts.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onAppealDecided } from "./appealDecided";
import { onAppealStepRecorded } from "./appealStepRecorded";
import { onResultRecorded, onResultsRecorded } from "./resultRecorded";
import { onRiskPointReported } from "./riskPointReported";
import { onResidentCandidatesRequested } from "./registrationCandidates";

/** The groups, with the pepper for phone match keys (absent only where groups are merely declared on a bus). */
export function consumerGroups(pepper: () => Uint8Array = () => {
  throw new Error("health-code's consumer groups run only inside the silo (createHealthCode)");
}): ConsumerGroupSpec[] {
  return [
    // RegistrationMatched: an unmatched registration moved to a resident carries the tube's result for them.
    { group: "health-code.medicine-results", streams: ["testing"], handlers: { ResultRecorded: onResultRecorded, ResultsRecorded: onResultsRecorded, RegistrationMatched: onResultRecorded } },
    { group: "health-code.registration-candidates", streams: ["testing"], handlers: { ResidentCandidatesRequested: onResidentCandidatesRequested(pepper) } },
    { group: "health-code.risk-points", streams: ["venues"], handlers: { RiskPointReported: onRiskPointReported } },
    { group: "health-code.appeal-decisions", streams: ["appeals"], handlers: { AppealDecided: onAppealDecided, AppealStepRecorded: onAppealStepRecorded } },
  ];
}

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = consumerGroups();
