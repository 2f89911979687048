// The consumer groups the testing silo runs.
import type { ConsumerGroupSpec } from "../../../kernel/runtime/siloEvents";
import { onCaseRegistryChanged } from "../../../kernel/privacy/cases";
import { onRegistrationUnmatched, onResidentCandidatesFound, type ScannedNumbers } from "../registrationOrphans";

/** The groups, with the silo's scanned-number keys (absent only where groups are merely declared on a bus). */
export function consumerGroups(numbers: () => ScannedNumbers = () => {
  throw new Error("testing's consumer groups run only inside the silo (createTesting)");
}): ConsumerGroupSpec[] {
  return [
    // The replica of the CDC's open cases, against which an epidemiologist's purpose is checked.
    { group: "testing.case-registry", streams: ["health-code"], handlers: { CaseRegistryChanged: onCaseRegistryChanged } },
    // Registrations health-code does not know, and the candidate residents it names (registrationOrphans.ts).
    { group: "testing.unmatched-registrations", streams: ["health-code"], handlers: { RegistrationUnmatched: onRegistrationUnmatched(numbers), ResidentCandidatesFound: onResidentCandidatesFound } },
  ];
}

export const CONSUMER_GROUPS: ConsumerGroupSpec[] = consumerGroups();
