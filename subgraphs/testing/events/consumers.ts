// The consumer groups the testing silo runs.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onCaseRegistryChanged } from "../../../kernel/privacy/cases";

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = [
  // The replica of the CDC's open cases, against which an epidemiologist's purpose is checked.
  { group: "testing.case-registry", streams: ["health-code"], handlers: { CaseRegistryChanged: onCaseRegistryChanged } },
];
