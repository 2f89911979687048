// Who may read or call what in the venues silo: one graphql-shield map mirroring the schema.
// Visitors are reached only through a register's check-ins, which only its own registrar, an
// officer of the venue's community or oversight may list: that is the registrar's scope.
import { rule } from "graphql-shield";
import { allow, rolesRule, rootRule, selfOrRoles } from "../../kernel/auth/rules";
import type { Register as RegisterRow } from "./generated/prisma/client";
import type { VenuesContext } from "./context";
import { mayListVisitors } from "./resolvers/Register";

const listsVisitors = rule("listsVisitors", { cache: (r: { id: string }) => `register:${r.id}` })((r: RegisterRow, _a, ctx: VenuesContext) => mayListVisitors(r, ctx));

/** A register's QR code: a registrar reads their own registers' codes only, however the register was reached. */
const readsRegisterCode = rule("readsRegisterCode", { cache: (r: { id: string }) => `code:${r.id}` })((r: RegisterRow, _a, ctx: VenuesContext) =>
  ctx.viewer.role !== "REGISTRAR" || (ctx.viewer.subject !== undefined && ctx.viewer.subject === r.registrarId),
);

export const permissions = {
  Query: {
    venue: rootRule("Query.venue"),
    myRegisters: rootRule("Query.myRegisters"),
    _service: allow,
    _entities: allow,
  },
  Mutation: {
    checkIn: rootRule("Mutation.checkIn"),
    createRegister: rootRule("Mutation.createRegister"),
    deleteRegister: rootRule("Mutation.deleteRegister"),
    reportRiskPoint: rootRule("Mutation.reportRiskPoint"),
  },
  Venue: { "*": allow, registers: rolesRule("seesRegisters", ["REGISTRAR", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST", "AUDITOR"]) },
  Register: { "*": allow, code: readsRegisterCode, checkIns: listsVisitors },
  CheckIn: allow,
  RiskPointReport: allow,
  Person: { id: allow, checkIns: selfOrRoles("ownCheckInsOrOversight", ["EPIDEMIOLOGIST", "AUDITOR"]) },
  _Service: allow,
};
