// Mutations of the venues silo; the rules live in the modules they call (checkIns, registers,
// riskPoints, exposure), so each resolver stays one line.
import type { VenuesContext } from "../context";
import { checkIn } from "../checkIns";
import { checkInByTestingCode } from "../testingCodeCheckIns";
import { checkInBatch } from "../checkInBatch";
import * as registers from "../registers";
import { reportRiskPoint, type RiskPointInput } from "../riskPoints";
import { exposureSearch, type ExposureArgs } from "../exposure";

type Id = { id: string };

export const Mutation = {
  checkIn: (_: unknown, args: { registerCode: string; scanId?: string | null }, ctx: VenuesContext) => checkIn(ctx, args.registerCode, args.scanId),
  checkInByTestingCode: (_: unknown, args: { registerId: string; testingCode: string }, ctx: VenuesContext) => checkInByTestingCode(ctx, args.registerId, args.testingCode),
  checkInBatch: (_: unknown, args: { registerId: string; testingCodes: string[] }, ctx: VenuesContext) => checkInBatch(ctx, args.registerId, args.testingCodes),
  applyForRegister: (_: unknown, args: { venue: registers.VenueDetails; label: string; requestKey?: string | null }, ctx: VenuesContext) => registers.applyForRegister(ctx, args.venue, args.label, args.requestKey),
  createRegister: (_: unknown, args: { venueId: string; label: string; requestKey?: string | null }, ctx: VenuesContext) => registers.createRegister(ctx, args.venueId, args.label, args.requestKey),
  addRegistrar: (_: unknown, args: { venueId: string; documentNumber: string }, ctx: VenuesContext) => registers.addRegistrar(ctx, args.venueId, args.documentNumber),
  deleteRegister: (_: unknown, args: Id, ctx: VenuesContext) => registers.deleteRegister(ctx, args.id),
  resumeRegister: (_: unknown, args: Id, ctx: VenuesContext) => registers.resumeRegister(ctx, args.id),
  renewRegisterCode: (_: unknown, args: Id, ctx: VenuesContext) => registers.renewRegisterCode(ctx, args.id),
  suspendRegister: (_: unknown, args: Id & { reason: string }, ctx: VenuesContext) => registers.suspendRegister(ctx, args.id, args.reason),
  /** Role and window are checked in riskPoints.ts; reporting again emits again (health-code dedupes per window). */
  reportRiskPoint: (_: unknown, args: RiskPointInput, ctx: VenuesContext) => reportRiskPoint(ctx.prisma, ctx.viewer, args, ctx.relay.notify),
  exposureSearch: (_: unknown, args: ExposureArgs, ctx: VenuesContext) => exposureSearch(ctx, args),
};
