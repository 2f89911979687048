// Who may read or call what in the testing silo: one graphql-shield map mirroring the schema.
// Tubes and boxes belong to a site: a sampler reaches those of their own site, a lab those of
// its agency's sites. Personal fields (Swab) are open to whoever reaches them: @pii decides.
import { and, rule } from "graphql-shield";
import { allow, rolesRule, rootRule, selfOrRoles } from "../../kernel/auth/rules";
import type { TestingContext } from "./context";
import { siteInScope } from "./scope";

const byId = (prefix: string) => (parent: { id: string }) => `${prefix}:${parent.id}`;

/** A box: its site must be the sampler's, or a site of the lab's agency. */
const boxInScope = rule("boxInScope", { cache: byId("box") })(async (box: { siteId: string }, _a, ctx: TestingContext) => (await siteInScope(box.siteId, ctx)) !== false);

/** A tube: the same condition, through its box. */
const tubeInScope = rule("tubeInScope", { cache: byId("tube") })(async (tube: { boxId: string }, _a, ctx: TestingContext) => {
  const box = await ctx.loaders.box.load(tube.boxId);
  return box !== null && (await siteInScope(box.siteId, ctx)) !== false;
});

/** Who may list the persons in a tube (closed-loop tracing, seed 001): its sampler and oversight. */
const listsSwabs = rolesRule("listsSwabs", ["SAMPLER", "EPIDEMIOLOGIST", "AUDITOR"]);

/**
 * Inputs of a status colour (@requires from health-code). The field is @inaccessible, so only
 * the gateway's plan for a status asks for it; this rule admits the roles whose status rule can
 * pass (health-code checks the person's scope on the colour itself): never a sampler, lab or
 * another resident, and an app only with `status:read`.
 */
const readsStatusInputs = rule("readsStatusInputs", { cache: "no_cache" })((parent: { id: string }, _a, ctx: TestingContext) => {
  const { role, subject, scopes } = ctx.viewer;
  if (subject !== undefined && subject === parent.id) return true;
  if (role === "APP") return scopes?.includes("status:read") ?? false;
  return role !== "SAMPLER" && role !== "LAB" && role !== "RESIDENT";
});

const ownTestsOrOversight = selfOrRoles("ownTestsOrOversight", ["EPIDEMIOLOGIST", "AUDITOR"]);

/** The audit logs: auditors only (one rule instance: shield refuses two rules of one name). */
const auditorsOnly = rolesRule("auditor", ["AUDITOR"]);

export const permissions = {
  Query: {
    agencies: rootRule("Query.agencies"),
    agency: rootRule("Query.agency"),
    site: rootRule("Query.site"),
    sites: rootRule("Query.sites"),
    tube: rootRule("Query.tube"),
    box: rootRule("Query.box"),
    positiveTubes: rootRule("Query.positiveTubes"),
    orphanResults: rootRule("Query.orphanResults"),
    orphanRegistrations: rootRule("Query.orphanRegistrations"),
    campaigns: rootRule("Query.campaigns"),
    resultCounts: rootRule("Query.resultCounts"),
    staffBindings: rootRule("Query.staffBindings"),
    _service: allow,
    _entities: allow,
  },
  Mutation: {
    scanTube: rootRule("Mutation.scanTube"),
    openSamplingSession: rootRule("Mutation.openSamplingSession"),
    closeSamplingSession: rootRule("Mutation.closeSamplingSession"),
    registerSample: rootRule("Mutation.registerSample"),
    registerByTestingCode: rootRule("Mutation.registerByTestingCode"),
    sealBox: rootRule("Mutation.sealBox"),
    handBoxToCourier: rootRule("Mutation.handBoxToCourier"),
    receiveBox: rootRule("Mutation.receiveBox"),
    startTesting: rootRule("Mutation.startTesting"),
    rejectTube: rootRule("Mutation.rejectTube"),
    resolveOrphanResult: rootRule("Mutation.resolveOrphanResult"),
    resolveOrphanRegistration: rootRule("Mutation.resolveOrphanRegistration"),
    startCampaign: rootRule("Mutation.startCampaign"),
    recordResult: rootRule("Mutation.recordResult"),
    recordResults: rootRule("Mutation.recordResults"),
    bindStaff: rootRule("Mutation.bindStaff"),
    revokeStaffBinding: rootRule("Mutation.revokeStaffBinding"),
  },
  // Only the agency's own lab staff reach these (the resolvers check the agency).
  StaffBinding: allow,
  Agency: allow,
  SamplingSite: allow,
  TransportBox: boxInScope,
  SampleTube: { "*": tubeInScope, swabs: and(tubeInScope, listsSwabs) },
  Swab: allow,
  TestResult: allow,
  PersonTest: allow,
  Person: { id: allow, tests: ownTestsOrOversight, latestTest: ownTestsOrOversight, negativeTest: ownTestsOrOversight, latestNegativeResultAt: readsStatusInputs, resultsChecked: readsStatusInputs },
  RecordResultsPayload: allow,
  RecordResultItem: allow,
  CustodyStep: allow,
  AgencyLoad: allow,
  OrphanResult: allow,
  OrphanCandidate: allow,
  OrphanRegistration: allow,
  OrphanRegistrationCandidate: allow,
  Campaign: allow,
  NegativeTestValidity: allow,
  AgencyResultCount: allow,
  FieldDisclosure: allow,
  DisclosureAudit: { id: allow, testing: auditorsOnly, sampleLookups: auditorsOnly },
  SamplingSession: allow,
  SampleLookup: allow,
  DisclosureRecord: allow,
  _Service: allow,
};
