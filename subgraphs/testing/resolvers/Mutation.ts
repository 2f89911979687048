// Mutations of the testing silo: scanning, registration and result upload.
import type { TestingContext } from "../context";
import { labAgency, samplerSite } from "../access";
import { scanTube, type ScanTubeInput } from "../scanning";
import { registerSample, type RegisterSampleInput } from "../registration";
import { closeSamplingSession, openSamplingSession } from "../sessions";
import { recordResult, recordResults, type RecordResultInput } from "../results";

export const Mutation = {
  scanTube: (_: unknown, args: { input: ScanTubeInput }, ctx: TestingContext) => scanTube(ctx.prisma, samplerSite(ctx.viewer), args.input),
  openSamplingSession: (_: unknown, args: { hours: number }, ctx: TestingContext) => openSamplingSession(ctx.prisma, samplerSite(ctx.viewer), ctx.viewer.subject, args.hours),
  closeSamplingSession: (_: unknown, __: unknown, ctx: TestingContext) => closeSamplingSession(ctx.prisma, samplerSite(ctx.viewer), ctx.viewer.subject),
  registerSample: (_: unknown, args: { input: RegisterSampleInput }, ctx: TestingContext) =>
    registerSample(ctx.prisma, ctx.pepper, samplerSite(ctx.viewer), ctx.viewer.subject, args.input),
  recordResult: (_: unknown, args: { input: RecordResultInput }, ctx: TestingContext) => recordResult(ctx.prisma, labAgency(ctx.viewer), args.input, ctx.relay.notify),
  recordResults: (_: unknown, args: { inputs: RecordResultInput[] }, ctx: TestingContext) => recordResults(ctx.prisma, labAgency(ctx.viewer), args.inputs, ctx.relay.notify),
};
