// The consumer groups the venues silo runs.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onStatusChanged } from "./statusChanged";
import { onCaseRegistryChanged } from "../../../kernel/privacy/cases";

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = [
  { group: "venues.registrar-status", streams: ["health-code"], handlers: { StatusChanged: onStatusChanged } },
  { group: "venues.case-registry", streams: ["health-code"], handlers: { CaseRegistryChanged: onCaseRegistryChanged } },
];
