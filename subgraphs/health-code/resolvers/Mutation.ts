// Root mutations of the health-code silo. Who may call each is in permissions.ts; the kinds'
// own role rules and clearing rules are checked in causes/write.ts.
import type { HealthCodeContext } from "../context";
import { issueTestingCode } from "../testingCodes";
import { registerResident, updateResident, type RegisterInput, type ResidentFields } from "../residents/intake";
import { toPerson } from "./Person";
import { clearCause, raiseCause, recordClearingStep, type ClearInput, type RaiseInput, type StepInput } from "../causes/write";

export const Mutation = {
  raiseCause: (_: unknown, args: { input: RaiseInput }, ctx: HealthCodeContext) => raiseCause(ctx.prisma, ctx.viewer, args.input),
  clearCause: (_: unknown, args: { input: ClearInput }, ctx: HealthCodeContext) => clearCause(ctx.prisma, ctx.viewer, args.input),
  recordClearingStep: (_: unknown, args: { input: StepInput }, ctx: HealthCodeContext) => recordClearingStep(ctx.prisma, ctx.viewer, args.input),
  issueTestingCode: (_: unknown, args: { wardId?: string | null }, ctx: HealthCodeContext) => issueTestingCode(ctx, args.wardId),
  registerResident: async (_: unknown, args: { input: RegisterInput }, ctx: HealthCodeContext) => toPerson(await registerResident(ctx.prisma, ctx.viewer, ctx.pepper, args.input)),
  updateResident: async (_: unknown, args: { id: string; input: ResidentFields }, ctx: HealthCodeContext) => toPerson(await updateResident(ctx.prisma, ctx.viewer, args.id, args.input)),
};
