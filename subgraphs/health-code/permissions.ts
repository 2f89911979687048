// Who may read or call what in the health-code silo: one graphql-shield map mirroring the schema.
// Personal fields are open to every role that reaches them because the @pii policy decides what
// each returns; the rules here decide reach.
import { and, rule } from "graphql-shield";
import { allow, rolesRule, rootRule } from "../../kernel/auth/rules";
import type { HealthCodeContext } from "./context";
import { personInScope } from "./scope";

/** `person(id:)`: the root table's roles, and the person inside the viewer's scope. */
const personArgInScope = rule("personArgInScope", { cache: "no_cache" })(async (_p, args: { id: string }, ctx: HealthCodeContext) => (await personInScope(args.id, ctx)) !== false);

/** A status colour: the person, their verified guardian, a registrar at check-in, their community's officer, oversight, or an app granted `status:read`. */
const mayReadStatus = rule("mayReadStatus", { cache: "no_cache" })(async (parent: { id: string }, _a, ctx: HealthCodeContext) => {
  const { role, subject, scopes } = ctx.viewer;
  if (subject !== undefined && subject === parent.id) return true;
  if (role === "SAMPLER" || role === "LAB" || role === "RESIDENT") return false;
  if (role === "APP") return scopes?.includes("status:read") ?? false;
  return (await personInScope(parent.id, ctx)) !== false;
});

/** The causes behind a colour: the person, their community's officer, or oversight; a guardian or registrar sees the colour only. */
const mayReadCauses = rule("mayReadCauses", { cache: "no_cache" })(async (parent: { personId: string }, _a, ctx: HealthCodeContext) => {
  const { role, subject } = ctx.viewer;
  if (subject !== undefined && subject === parent.personId) return true;
  if (role === "EPIDEMIOLOGIST" || role === "AUDITOR") return true;
  return role === "COMMUNITY_OFFICER" && (await personInScope(parent.personId, ctx)) === true;
});

/** A person's status history and vaccinations: the person, their verified guardian, their community's officer, or oversight. */
const mayReadHistory = rule("mayReadHistory", { cache: "no_cache" })(async (parent: { id: string }, _a, ctx: HealthCodeContext) => {
  const { role, subject } = ctx.viewer;
  if (subject !== undefined && subject === parent.id) return true;
  if (role === "EPIDEMIOLOGIST" || role === "AUDITOR") return true;
  return (role === "GUARDIAN" || role === "COMMUNITY_OFFICER") && (await personInScope(parent.id, ctx)) === true;
});

/** Which officer did something: oversight only (the person and their community see the role). */
const oversight = rolesRule("oversight", ["EPIDEMIOLOGIST", "AUDITOR"]);

export const permissions = {
  Query: {
    me: rootRule("Query.me"),
    person: and(rootRule("Query.person"), personArgInScope),
    wards: rootRule("Query.wards"),
    statusCounts: rootRule("Query.statusCounts"),
    disclosureAudit: rootRule("Query.disclosureAudit"),
    openCases: rootRule("Query.openCases"),
    testingCodeKey: rootRule("Query.testingCodeKey"),
    proxyLookups: rootRule("Query.proxyLookups"),
    lookupRequests: rootRule("Query.lookupRequests"),
    _service: allow,
    _entities: allow,
  },
  Mutation: {
    openCase: rootRule("Mutation.openCase"),
    closeCase: rootRule("Mutation.closeCase"),
    raiseCause: rootRule("Mutation.raiseCause"),
    clearCause: rootRule("Mutation.clearCause"),
    recordClearingStep: rootRule("Mutation.recordClearingStep"),
    issueTestingCode: rootRule("Mutation.issueTestingCode"),
    registerResident: rootRule("Mutation.registerResident"),
    updateResident: rootRule("Mutation.updateResident"),
    bindWard: rootRule("Mutation.bindWard"),
    requestLookup: rootRule("Mutation.requestLookup"),
    answerLookup: rootRule("Mutation.answerLookup"),
    declareTrip: rootRule("Mutation.declareTrip"),
    postRiskAreas: rootRule("Mutation.postRiskAreas"),
    postMedicationFeed: rootRule("Mutation.postMedicationFeed"),
    postVaccinations: rootRule("Mutation.postVaccinations"),
  },
  EpiCase: allow,
  Person: { "*": allow, healthCode: mayReadStatus, statusHistory: mayReadHistory, vaccinations: mayReadHistory },
  HealthCode: { "*": allow, causes: mayReadCauses },
  StatusCause: { "*": allow, raisedById: oversight },
  ClearingProgress: allow,
  TestingCode: allow,
  ProxyLookup: allow,
  LookupRequest: allow,
  Trip: allow,
  FeedReport: allow,
  FeedRowResult: allow,
  Vaccination: allow,
  StatusChange: { "*": allow, actorId: oversight },
  FieldDisclosure: allow,
  StatusCount: allow,
  Campaign: { id: allow, district: allow, startsAt: allow, endsAt: allow, coverage: rolesRule("campaignCoverage", ["COMMUNITY_OFFICER", "EPIDEMIOLOGIST", "AUDITOR"]) },
  CommunityCoverage: allow,
  DisclosureAudit: { id: allow, healthCode: rolesRule("auditor", ["AUDITOR"]) },
  DisclosureRecord: allow,
  _Service: allow,
};
