// The consumer groups the appeals silo runs.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onStatusChanged } from "./statusChanged";
import { onCaseRegistryChanged } from "../../../kernel/privacy/cases";
import { onResultRecorded, onResultsRecorded } from "./resultRecorded";
import { onProxyBindingChanged } from "./proxyBindingChanged";
import { onTripDeclared } from "./tripDeclared";

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = [
  { group: "appeals.cause-replica", streams: ["health-code"], handlers: { StatusChanged: onStatusChanged } },
  // The replica of the CDC's open cases, against which an epidemiologist's purpose is checked.
  { group: "appeals.case-registry", streams: ["health-code"], handlers: { CaseRegistryChanged: onCaseRegistryChanged } },
  // Evidence naming a test result is checked against testing's results.
  { group: "appeals.results", streams: ["testing"], handlers: { ResultRecorded: onResultRecorded, ResultsRecorded: onResultsRecorded } },
  // A guardian appeals only for a ward bound and verified in health-code.
  { group: "appeals.wards", streams: ["health-code"], handlers: { ProxyBindingChanged: onProxyBindingChanged } },
  // Evidence naming a trip is checked against the resident's own declarations.
  { group: "appeals.trips", streams: ["health-code"], handlers: { TripDeclared: onTripDeclared } },
];
