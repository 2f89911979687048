// The consumer groups the appeals silo runs.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onStatusChanged } from "./statusChanged";
import { onCaseRegistryChanged } from "../../../kernel/privacy/cases";

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = [
  { group: "appeals.cause-replica", streams: ["health-code"], handlers: { StatusChanged: onStatusChanged } },
  // The replica of the CDC's open cases, against which an epidemiologist's purpose is checked.
  { group: "appeals.case-registry", streams: ["health-code"], handlers: { CaseRegistryChanged: onCaseRegistryChanged } },
];
