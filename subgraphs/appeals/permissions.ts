// Who may read or call what in the appeals silo: one graphql-shield map mirroring the schema.
// An appeal is readable by its appellant, an officer of its community, or oversight, however it
// is reached (root field, a person's appeals, or an entity fetch).
import { rule } from "graphql-shield";
import { allow, rolesRule, rootRule, selfOrRoles } from "../../kernel/auth/rules";
import type { Appeal as AppealRow } from "./generated/prisma/client";
import type { AppealsContext } from "./context";
import { mayReadAppeal } from "./resolvers/Appeal";

const readsAppeal = rule("readsAppeal", { cache: (a: { id: string }) => `appeal:${a.id}` })((a: AppealRow, _a, ctx: AppealsContext) => mayReadAppeal(a, ctx));

export const permissions = {
  Query: {
    appeal: rootRule("Query.appeal"),
    appealsToReview: rootRule("Query.appealsToReview"),
    appealCounts: rootRule("Query.appealCounts"),
    escalatedAppeals: rootRule("Query.escalatedAppeals"),
    appealFigures: rootRule("Query.appealFigures"),
    _service: allow,
    _entities: allow,
  },
  Mutation: {
    submitAppeal: rootRule("Mutation.submitAppeal"),
    addAppealEvidence: rootRule("Mutation.addAppealEvidence"),
    assignAppeal: rootRule("Mutation.assignAppeal"),
    requestAppealEvidence: rootRule("Mutation.requestAppealEvidence"),
    recordCommunityReport: rootRule("Mutation.recordCommunityReport"),
    recordCommitmentLetter: rootRule("Mutation.recordCommitmentLetter"),
    decideAppeal: rootRule("Mutation.decideAppeal"),
  },
  Appeal: readsAppeal,
  Evidence: allow,
  Attachment: allow,
  AppealStep: allow,
  CommunityAppealFigures: allow,
  FieldDisclosure: allow,
  DisclosureAudit: { id: allow, appeals: rolesRule("auditor", ["AUDITOR"]) },
  DisclosureRecord: allow,
  StatusCause: allow,
  CommunityAppealCount: allow,
  Person: { id: allow, appeals: selfOrRoles("ownAppealsOrReviewers", ["GUARDIAN", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST", "AUDITOR"]) },
  _Service: allow,
};
