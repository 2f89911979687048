// Which roles may call each root field of the graph. The gateway checks it before planning (a
// refused operation costs no subgraph call), and each silo's graphql-shield map uses the same
// entry as the first condition of the field's rule, so the two can never disagree. Scope
// conditions (own community, own ward, own site …) are the silos' own rules on top.
import type { Role, Viewer } from "./viewer";

export interface RootAccess {
  roles: readonly Role[];
  /** A service account (APP) may call the field only when granted this scope. */
  appScope?: string;
}

const HUMANS = ["RESIDENT", "GUARDIAN", "REGISTRAR", "SAMPLER", "LAB", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST", "AUDITOR"] as const;
const EVERYONE = [...HUMANS, "APP"] as const;
const OVERSIGHT = ["EPIDEMIOLOGIST", "AUDITOR"] as const;

/** Every root field of the supergraph, by `Type.field` (a test fails when one is missing). */
export const ROOT_ACCESS: Record<string, RootAccess> = {
  // health-code
  "Query.me": { roles: HUMANS },
  "Query.person": { roles: ["RESIDENT", "GUARDIAN", "COMMUNITY_OFFICER", ...OVERSIGHT, "APP"], appScope: "persons:read" },
  "Query.wards": { roles: ["GUARDIAN"] },
  "Query.statusCounts": { roles: OVERSIGHT },
  "Query.disclosureAudit": { roles: ["AUDITOR"] },
  "Query.openCases": { roles: OVERSIGHT },
  "Mutation.openCase": { roles: ["EPIDEMIOLOGIST"] },
  "Mutation.closeCase": { roles: ["EPIDEMIOLOGIST"] },
  "Mutation.raiseCause": { roles: ["EPIDEMIOLOGIST", "COMMUNITY_OFFICER"] },
  "Mutation.clearCause": { roles: ["EPIDEMIOLOGIST", "COMMUNITY_OFFICER"] },
  "Mutation.recordClearingStep": { roles: ["COMMUNITY_OFFICER"] },
  "Mutation.issueTestingCode": { roles: ["RESIDENT", "GUARDIAN"] },
  "Query.testingCodeKey": { roles: EVERYONE },
  "Mutation.registerResident": { roles: ["RESIDENT", "COMMUNITY_OFFICER"] },
  "Mutation.updateResident": { roles: ["RESIDENT", "COMMUNITY_OFFICER"] },
  "Query.proxyLookups": { roles: ["GUARDIAN"] },
  "Query.lookupRequests": { roles: ["RESIDENT"] },
  "Mutation.bindWard": { roles: ["GUARDIAN"] },
  "Mutation.requestLookup": { roles: ["GUARDIAN"] },
  "Mutation.answerLookup": { roles: ["RESIDENT"] },
  "Mutation.declareTrip": { roles: ["RESIDENT"] },
  "Mutation.postRiskAreas": { roles: ["EPIDEMIOLOGIST"] },
  "Mutation.postMedicationFeed": { roles: ["EPIDEMIOLOGIST", "APP"], appScope: "feeds:medication" },
  "Mutation.postVaccinations": { roles: ["EPIDEMIOLOGIST", "APP"], appScope: "feeds:vaccination" },
  // testing
  "Query.agencies": { roles: EVERYONE },
  "Query.agency": { roles: EVERYONE },
  "Query.site": { roles: EVERYONE },
  "Query.sites": { roles: EVERYONE },
  "Query.tube": { roles: ["SAMPLER", "LAB", ...OVERSIGHT] },
  "Query.box": { roles: ["SAMPLER", "LAB", ...OVERSIGHT] },
  "Query.positiveTubes": { roles: OVERSIGHT },
  "Query.orphanResults": { roles: ["LAB"] },
  "Query.orphanRegistrations": { roles: ["LAB", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST"] },
  "Query.campaigns": { roles: ["COMMUNITY_OFFICER", ...OVERSIGHT] },
  "Mutation.startCampaign": { roles: ["EPIDEMIOLOGIST"] },
  "Query.resultCounts": { roles: OVERSIGHT },
  "Mutation.scanTube": { roles: ["SAMPLER"] },
  "Mutation.openSamplingSession": { roles: ["SAMPLER"] },
  "Mutation.closeSamplingSession": { roles: ["SAMPLER"] },
  "Mutation.registerSample": { roles: ["SAMPLER"] },
  "Mutation.registerByTestingCode": { roles: ["SAMPLER"] },
  "Mutation.sealBox": { roles: ["SAMPLER"] },
  "Mutation.handBoxToCourier": { roles: ["SAMPLER"] },
  "Mutation.receiveBox": { roles: ["LAB"] },
  "Mutation.startTesting": { roles: ["LAB"] },
  "Mutation.rejectTube": { roles: ["LAB"] },
  "Mutation.bindStaff": { roles: ["LAB"] },
  "Mutation.revokeStaffBinding": { roles: ["LAB"] },
  "Query.staffBindings": { roles: ["LAB"] },
  "Mutation.resolveOrphanResult": { roles: ["LAB"] },
  "Mutation.resolveOrphanRegistration": { roles: ["LAB", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST"] },
  "Mutation.recordResult": { roles: ["LAB"] },
  "Mutation.recordResults": { roles: ["LAB"] },
  // venues
  "Query.venue": { roles: EVERYONE },
  "Query.myRegisters": { roles: ["REGISTRAR"] },
  "Query.visitorHistory": { roles: ["REGISTRAR"] },
  "Query.registerCodeKeys": { roles: EVERYONE },
  "Mutation.checkIn": { roles: ["RESIDENT"] },
  "Mutation.checkInByTestingCode": { roles: ["REGISTRAR"] },
  "Mutation.checkInBatch": { roles: ["REGISTRAR"] },
  "Mutation.applyForRegister": { roles: ["RESIDENT", "REGISTRAR"] },
  "Mutation.createRegister": { roles: ["REGISTRAR"] },
  "Mutation.addRegistrar": { roles: ["REGISTRAR"] },
  "Mutation.deleteRegister": { roles: ["REGISTRAR"] },
  "Mutation.resumeRegister": { roles: ["REGISTRAR"] },
  "Mutation.renewRegisterCode": { roles: ["REGISTRAR"] },
  "Mutation.suspendRegister": { roles: ["COMMUNITY_OFFICER"] },
  "Mutation.reportRiskPoint": { roles: ["EPIDEMIOLOGIST"] },
  "Mutation.exposureSearch": { roles: OVERSIGHT },
  // appeals
  "Query.appeal": { roles: ["RESIDENT", "GUARDIAN", "COMMUNITY_OFFICER", ...OVERSIGHT] },
  "Query.appealsToReview": { roles: ["COMMUNITY_OFFICER"] },
  "Query.appealCounts": { roles: OVERSIGHT },
  "Query.escalatedAppeals": { roles: ["COMMUNITY_OFFICER"] },
  "Query.appealFigures": { roles: ["COMMUNITY_OFFICER", ...OVERSIGHT] },
  "Mutation.submitAppeal": { roles: ["RESIDENT", "GUARDIAN"] },
  "Mutation.addAppealEvidence": { roles: ["RESIDENT", "GUARDIAN"] },
  "Mutation.assignAppeal": { roles: ["COMMUNITY_OFFICER"] },
  "Mutation.requestAppealEvidence": { roles: ["COMMUNITY_OFFICER"] },
  "Mutation.recordCommunityReport": { roles: ["COMMUNITY_OFFICER"] },
  "Mutation.recordCommitmentLetter": { roles: ["COMMUNITY_OFFICER"] },
  "Mutation.decideAppeal": { roles: ["COMMUNITY_OFFICER"] },
};

/** True when `viewer` may call the root field `coordinate` (`Query.me`); unknown fields are refused. */
export function mayCallRoot(viewer: Viewer, coordinate: string): boolean {
  const access = ROOT_ACCESS[coordinate];
  if (!access || !access.roles.includes(viewer.role)) return false;
  if (viewer.role === "APP" && access.appScope) return viewer.scopes?.includes(access.appScope) ?? false;
  return true;
}
