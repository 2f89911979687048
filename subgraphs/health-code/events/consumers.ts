// The consumer groups the health-code silo runs: durable side effects of other silos' facts.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onAppealDecided } from "./appealDecided";
import { onAppealStepRecorded } from "./appealStepRecorded";
import { onResultRecorded, onResultsRecorded } from "./resultRecorded";
import { onRiskPointReported } from "./riskPointReported";

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = [
  { group: "health-code.medicine-results", streams: ["testing"], handlers: { ResultRecorded: onResultRecorded, ResultsRecorded: onResultsRecorded } },
  { group: "health-code.risk-points", streams: ["venues"], handlers: { RiskPointReported: onRiskPointReported } },
  { group: "health-code.appeal-decisions", streams: ["appeals"], handlers: { AppealDecided: onAppealDecided, AppealStepRecorded: onAppealStepRecorded } },
];
