// The event types the silos publish (docs/events.md, "Catalogue"). A consumer group reads its
// source's whole stream and acknowledges the types it has no handler for; it warns only for a type
// outside this list (a producer newer than the consumer, or a typo), which is worth a look.
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  "ResultRecorded",
  "ResultsRecorded",
  "RegistrationMatched",
  "RegistrationUnmatched",
  "ResidentCandidatesRequested",
  "ResidentCandidatesFound",
  "RiskPointReported",
  "StatusChanged",
  "CaseRegistryChanged",
  "AppealDecided",
  "AppealStepRecorded",
  "ProxyBindingChanged",
  "TripDeclared",
]);
