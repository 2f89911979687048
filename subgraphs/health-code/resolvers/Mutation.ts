// Mutations of the health-code silo: the CDC's case registry. Who may call each is in permissions.ts.
import type { HealthCodeContext } from "../context";
import { closeCase, openCase } from "../cases";

export const Mutation = {
  openCase: (_: unknown, args: { reference: string }, ctx: HealthCodeContext) => openCase(ctx.prisma, args.reference, ctx.relay.notify),
  closeCase: (_: unknown, args: { reference: string }, ctx: HealthCodeContext) => closeCase(ctx.prisma, args.reference, ctx.relay.notify),
};
