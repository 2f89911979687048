// Root mutations of the health-code silo, and the CDC's case registry. Who may call each is in permissions.ts; the kinds'
// own role rules and clearing rules are checked in causes/write.ts.
import type { HealthCodeContext } from "../context";
import { closeCase, openCase } from "../cases";
import { issueTestingCode } from "../testingCodes";
import { registerResident, updateResident, type RegisterInput, type ResidentFields } from "../residents/intake";
import { toPerson } from "./Person";
import { answerLookup, bindWard, requestLookup, type WardInput } from "../proxies/bindings";
import { lookupRequests, lookupView } from "../proxies/lookups";
import type { DocumentType } from "../../../kernel/identity";
import { declareTrip, postRiskAreas, type RiskAreaRow, type TripInput } from "../feeds/riskAreas";
import { postMedicationFeed, type MedicationRow } from "../feeds/medication";
import { notifyRaised } from "../feeds/notify";
import { postVaccinations, type VaccinationRow } from "../feeds/vaccinations";
import type { FeedCause } from "../feeds/raise";
import type { RowResult } from "../feeds/rows";

/** A feed's answer, after the notices for what it raised have gone out. */
async function report(ctx: HealthCodeContext, out: { results: RowResult[]; raised: FeedCause[] }) {
  const noticesSent = await notifyRaised(ctx.prisma, ctx.notifier, out.raised);
  const applied = out.results.filter((r) => r.applied).length;
  return { applied, refused: out.results.length - applied, causesRaised: out.raised.length, noticesSent, rows: out.results };
}
import { clearCause, raiseCause, recordClearingStep, type ClearInput, type RaiseInput, type StepInput } from "../causes/write";

export const Mutation = {
  // The CDC's registry of open epidemiological cases (purposes are case references).
  openCase: (_: unknown, args: { reference: string }, ctx: HealthCodeContext) => openCase(ctx.prisma, args.reference, ctx.relay.notify),
  closeCase: (_: unknown, args: { reference: string }, ctx: HealthCodeContext) => closeCase(ctx.prisma, args.reference, ctx.relay.notify),
  raiseCause: (_: unknown, args: { input: RaiseInput }, ctx: HealthCodeContext) => raiseCause(ctx.prisma, ctx.viewer, args.input),
  clearCause: (_: unknown, args: { input: ClearInput }, ctx: HealthCodeContext) => clearCause(ctx.prisma, ctx.viewer, args.input),
  recordClearingStep: (_: unknown, args: { input: StepInput }, ctx: HealthCodeContext) => recordClearingStep(ctx.prisma, ctx.viewer, args.input),
  issueTestingCode: (_: unknown, args: { wardId?: string | null }, ctx: HealthCodeContext) => issueTestingCode(ctx, args.wardId),
  registerResident: async (_: unknown, args: { input: RegisterInput }, ctx: HealthCodeContext) => toPerson(await registerResident(ctx.prisma, ctx.viewer, ctx.pepper, args.input)),
  bindWard: async (_: unknown, args: { input: WardInput }, ctx: HealthCodeContext) => {
    const binding = await bindWard(ctx.prisma, ctx.viewer, ctx.pepper, ctx.faceVerifier, args.input);
    ctx.relay.notify();
    return lookupView(binding, ctx);
  },
  requestLookup: async (_: unknown, args: { input: { documentType: DocumentType; documentNumber: string; faceToken: string } }, ctx: HealthCodeContext) =>
    lookupView(await requestLookup(ctx.prisma, ctx.viewer, ctx.pepper, ctx.faceVerifier, args.input), ctx),
  answerLookup: async (_: unknown, args: { requestId: string; consent: boolean }, ctx: HealthCodeContext) => {
    await answerLookup(ctx.prisma, ctx.viewer, args.requestId, args.consent);
    ctx.relay.notify();
    return (await lookupRequests(ctx)).find((r) => r.id === args.requestId) ?? { id: args.requestId, requestedAt: new Date(), consented: false, requesterMaskedName: null };
  },
  declareTrip: async (_: unknown, args: { input: TripInput }, ctx: HealthCodeContext) => {
    const { trip, raised } = await declareTrip(ctx.prisma, ctx.viewer, args.input);
    ctx.relay.notify();
    await notifyRaised(ctx.prisma, ctx.notifier, raised);
    return trip;
  },
  postRiskAreas: async (_: unknown, args: { rows: RiskAreaRow[] }, ctx: HealthCodeContext) => report(ctx, await postRiskAreas(ctx.prisma, ctx.viewer, args.rows)),
  postMedicationFeed: async (_: unknown, args: { rows: MedicationRow[] }, ctx: HealthCodeContext) => report(ctx, await postMedicationFeed(ctx.prisma, ctx.viewer, ctx.pepper, args.rows)),
  postVaccinations: async (_: unknown, args: { rows: VaccinationRow[] }, ctx: HealthCodeContext) => {
    const rows = await postVaccinations(ctx.prisma, ctx.pepper, args.rows);
    const applied = rows.filter((r) => r.applied).length;
    return { applied, refused: rows.length - applied, causesRaised: rows.reduce((n, r) => n + r.causesRaised, 0), noticesSent: 0, rows };
  },
  updateResident: async (_: unknown, args: { id: string; input: ResidentFields }, ctx: HealthCodeContext) => toPerson(await updateResident(ctx.prisma, ctx.viewer, args.id, args.input)),
};
