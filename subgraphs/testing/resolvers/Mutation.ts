// Mutations of the testing silo: scanning, registration, custody and result upload.
import type { TestingContext } from "../context";
import { labAgency, samplerSite } from "../access";
import { scanTube, type ScanTubeInput } from "../scanning";
import { registerByTestingCode, registerSample, type RegisterByCodeInput, type RegisterSampleInput } from "../registration";
import { closeSamplingSession, openSamplingSession } from "../sessions";
import { recordResult, recordResults, type RecordResultInput } from "../results";
import { actorOf, handBoxToCourier, moveTube, receiveBox, sealBox } from "../custody";

type Ctx = TestingContext;

export const Mutation = {
  scanTube: (_: unknown, args: { input: ScanTubeInput }, ctx: Ctx) => scanTube(ctx.prisma, samplerSite(ctx.viewer), actorOf(ctx.viewer), args.input),
  openSamplingSession: (_: unknown, args: { hours: number }, ctx: Ctx) => openSamplingSession(ctx.prisma, samplerSite(ctx.viewer), ctx.viewer.subject, args.hours),
  closeSamplingSession: (_: unknown, __: unknown, ctx: Ctx) => closeSamplingSession(ctx.prisma, samplerSite(ctx.viewer), ctx.viewer.subject),
  registerSample: (_: unknown, args: { input: RegisterSampleInput }, ctx: Ctx) =>
    registerSample(ctx.prisma, ctx.pepper, samplerSite(ctx.viewer), ctx.viewer.subject, args.input),
  registerByTestingCode: (_: unknown, args: { input: RegisterByCodeInput }, ctx: Ctx) =>
    registerByTestingCode(ctx.prisma, ctx.codes, samplerSite(ctx.viewer), ctx.viewer.subject, args.input),
  sealBox: (_: unknown, args: { boxCode: string }, ctx: Ctx) => sealBox(ctx.prisma, samplerSite(ctx.viewer), actorOf(ctx.viewer), args.boxCode),
  handBoxToCourier: (_: unknown, args: { boxCode: string; courierBadge: string }, ctx: Ctx) =>
    handBoxToCourier(ctx.prisma, samplerSite(ctx.viewer), actorOf(ctx.viewer), args.boxCode, args.courierBadge),
  receiveBox: (_: unknown, args: { boxCode: string }, ctx: Ctx) => receiveBox(ctx.prisma, labAgency(ctx.viewer), actorOf(ctx.viewer), args.boxCode),
  startTesting: (_: unknown, args: { tubeCode: string }, ctx: Ctx) => moveTube(ctx.prisma, labAgency(ctx.viewer), actorOf(ctx.viewer), args.tubeCode, "TESTING"),
  rejectTube: (_: unknown, args: { tubeCode: string; reason: string }, ctx: Ctx) => moveTube(ctx.prisma, labAgency(ctx.viewer), actorOf(ctx.viewer), args.tubeCode, "REJECTED", args.reason),
  recordResult: (_: unknown, args: { input: RecordResultInput }, ctx: Ctx) => recordResult(ctx.prisma, labAgency(ctx.viewer), args.input, ctx.relay.notify, ctx.viewer.subject ?? null),
  recordResults: (_: unknown, args: { inputs: RecordResultInput[] }, ctx: Ctx) => recordResults(ctx.prisma, labAgency(ctx.viewer), args.inputs, ctx.relay.notify, ctx.viewer.subject ?? null),
};
