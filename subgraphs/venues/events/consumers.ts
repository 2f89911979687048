// The consumer groups the venues silo runs.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onStatusChanged } from "./statusChanged";

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = [
  { group: "venues.registrar-status", streams: ["health-code"], handlers: { StatusChanged: onStatusChanged } },
];
