// The consumer groups the appeals silo runs.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onStatusChanged } from "./statusChanged";

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = [
  { group: "appeals.cause-replica", streams: ["health-code"], handlers: { StatusChanged: onStatusChanged } },
];
