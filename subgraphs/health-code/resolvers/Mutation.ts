// Root mutations of the health-code silo. Who may call each is in permissions.ts; the kinds'
// own role rules and clearing rules are checked in causes/write.ts.
import type { HealthCodeContext } from "../context";
import { clearCause, raiseCause, recordClearingStep, type ClearInput, type RaiseInput, type StepInput } from "../causes/write";

export const Mutation = {
  raiseCause: (_: unknown, args: { input: RaiseInput }, ctx: HealthCodeContext) => raiseCause(ctx.prisma, ctx.viewer, args.input),
  clearCause: (_: unknown, args: { input: ClearInput }, ctx: HealthCodeContext) => clearCause(ctx.prisma, ctx.viewer, args.input),
  recordClearingStep: (_: unknown, args: { input: StepInput }, ctx: HealthCodeContext) => recordClearingStep(ctx.prisma, ctx.viewer, args.input),
};
