// Who may read or call what in the venues silo: one graphql-shield map mirroring the schema.
// Visitors are reached only through a register's check-ins, which only its own registrar, an
// officer of the venue's community or oversight may list: that is the registrar's scope. A
// register's code and printable QR belong to its own registrar alone.
import { rule } from "graphql-shield";
import { allow, rolesRule, rootRule, selfOrRoles } from "../../kernel/auth/rules";
import type { Register as RegisterRow } from "./generated/prisma/client";
import type { VenuesContext } from "./context";
import { mayListVisitors, maySeeSuspension, ownsRegister, type SuspensionParent } from "./resolvers/Register";

const listsVisitors = rule("listsVisitors", { cache: (r: { id: string }) => `register:${r.id}` })((r: RegisterRow, _a, ctx: VenuesContext) => mayListVisitors(r, ctx));
const ownRegister = rule("ownRegister", { cache: (r: { id: string }) => `own-register:${r.id}` })((r: RegisterRow, _a, ctx: VenuesContext) => ownsRegister(r, ctx));

/** A register's QR code: a registrar reads their own registers' codes only, however the register was reached. */
const readsRegisterCode = rule("readsRegisterCode", { cache: (r: { id: string }) => `code:${r.id}` })((r: RegisterRow, _a, ctx: VenuesContext) =>
  ctx.viewer.role !== "REGISTRAR" || (ctx.viewer.subject !== undefined && ctx.viewer.subject === r.registrarId),
);

/** Why a register is suspended tells whether its registrar is green: only where their status may be read. */
const seesSuspension = rule("seesSuspension", { cache: "no_cache" })((s: SuspensionParent, _a, ctx: VenuesContext) => maySeeSuspension(s, ctx));
const auditorsOnly = rolesRule("auditor", ["AUDITOR"]);

export const permissions = {
  Query: {
    venue: rootRule("Query.venue"),
    myRegisters: rootRule("Query.myRegisters"),
    visitorHistory: rootRule("Query.visitorHistory"),
    registerCodeKeys: rootRule("Query.registerCodeKeys"),
    _service: allow,
    _entities: allow,
  },
  Mutation: {
    checkIn: rootRule("Mutation.checkIn"),
    checkInByTestingCode: rootRule("Mutation.checkInByTestingCode"),
    checkInBatch: rootRule("Mutation.checkInBatch"),
    applyForRegister: rootRule("Mutation.applyForRegister"),
    createRegister: rootRule("Mutation.createRegister"),
    addRegistrar: rootRule("Mutation.addRegistrar"),
    deleteRegister: rootRule("Mutation.deleteRegister"),
    resumeRegister: rootRule("Mutation.resumeRegister"),
    renewRegisterCode: rootRule("Mutation.renewRegisterCode"),
    suspendRegister: rootRule("Mutation.suspendRegister"),
    reportRiskPoint: rootRule("Mutation.reportRiskPoint"),
    exposureSearch: rootRule("Mutation.exposureSearch"),
  },
  Venue: { "*": allow, registers: rolesRule("seesRegisters", ["REGISTRAR", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST", "AUDITOR"]) },
  Register: { "*": allow, code: ownRegister, qr: ownRegister, checkIns: listsVisitors },
  RegisterQr: allow,
  // The reason is @pii(FREE_TEXT): the policy decides what it shows (a registrar of another venue: nothing).
  Suspension: { "*": allow, kind: seesSuspension },
  FieldDisclosure: allow,
  DisclosureAudit: { id: allow, venues: auditorsOnly },
  DisclosureRecord: allow,
  CheckIn: allow,
  CheckInBatchItem: allow,
  CheckInRefusal: allow,
  CheckInPage: allow,
  CheckInEdge: allow,
  RiskPointReport: allow,
  ExposureResult: allow,
  HealthCode: allow,
  Person: { id: allow, checkIns: selfOrRoles("ownCheckInsOrOversight", ["EPIDEMIOLOGIST", "AUDITOR"]) },
  _Service: allow,
};
