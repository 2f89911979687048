// Mutations of the testing silo: scanning, registration, custody and result upload.
import type { TestingContext } from "../context";
import { boundLabAgency as labAgency, boundSamplerSite as samplerSite } from "../access";
import { scanTube, type ScanTubeInput } from "../scanning";
import { registerByTestingCode, registerSample, type RegisterByCodeInput, type RegisterSampleInput } from "../registration";
import { closeSamplingSession, openSamplingSession } from "../sessions";
import { recordResult, recordResults, resolveOrphanResult, type RecordResultInput } from "../results";
import { startCampaign, type CampaignInput } from "../campaigns";
import { actorOf, handBoxToCourier, moveTube, receiveBox, sealBox } from "../custody";
import { bindStaff, revokeStaffBinding, type BindStaffInput } from "../staff";
import { resolveOrphanRegistration } from "./OrphanRegistration";

type Ctx = TestingContext;

export const Mutation = {
  scanTube: async (_: unknown, args: { input: ScanTubeInput }, ctx: Ctx) => scanTube(ctx.prisma, await samplerSite(ctx), actorOf(ctx.viewer), args.input),
  openSamplingSession: async (_: unknown, args: { hours: number }, ctx: Ctx) => openSamplingSession(ctx.prisma, await samplerSite(ctx), ctx.viewer.subject, args.hours),
  closeSamplingSession: async (_: unknown, __: unknown, ctx: Ctx) => closeSamplingSession(ctx.prisma, await samplerSite(ctx), ctx.viewer.subject),
  registerSample: async (_: unknown, args: { input: RegisterSampleInput }, ctx: Ctx) =>
    registerSample(ctx.prisma, ctx.pepper, await samplerSite(ctx), ctx.viewer.subject, args.input, ctx.numbers),
  registerByTestingCode: async (_: unknown, args: { input: RegisterByCodeInput }, ctx: Ctx) =>
    registerByTestingCode(ctx.prisma, ctx.codes, await samplerSite(ctx), ctx.viewer.subject, args.input),
  sealBox: async (_: unknown, args: { boxCode: string }, ctx: Ctx) => sealBox(ctx.prisma, await samplerSite(ctx), actorOf(ctx.viewer), args.boxCode),
  handBoxToCourier: async (_: unknown, args: { boxCode: string; courierBadge: string }, ctx: Ctx) =>
    handBoxToCourier(ctx.prisma, await samplerSite(ctx), actorOf(ctx.viewer), args.boxCode, args.courierBadge),
  receiveBox: async (_: unknown, args: { boxCode: string }, ctx: Ctx) => receiveBox(ctx.prisma, await labAgency(ctx), actorOf(ctx.viewer), args.boxCode),
  startTesting: async (_: unknown, args: { tubeCode: string }, ctx: Ctx) => moveTube(ctx.prisma, await labAgency(ctx), actorOf(ctx.viewer), args.tubeCode, "TESTING"),
  rejectTube: async (_: unknown, args: { tubeCode: string; reason: string }, ctx: Ctx) => moveTube(ctx.prisma, await labAgency(ctx), actorOf(ctx.viewer), args.tubeCode, "REJECTED", args.reason),
  recordResult: async (_: unknown, args: { input: RecordResultInput }, ctx: Ctx) => recordResult(ctx.prisma, await labAgency(ctx), args.input, ctx.relay.notify, ctx.viewer.subject ?? null),
  resolveOrphanResult: async (_: unknown, args: { id: string; tubeCode: string }, ctx: Ctx) =>
    resolveOrphanResult(ctx.prisma, await labAgency(ctx), actorOf(ctx.viewer), args.id, args.tubeCode, ctx.relay.notify),
  resolveOrphanRegistration,
  startCampaign: (_: unknown, args: { input: CampaignInput }, ctx: Ctx) => startCampaign(ctx.prisma, ctx.viewer.subject ?? null, args.input),
  bindStaff: async (_: unknown, args: { input: BindStaffInput }, ctx: Ctx) => bindStaff(ctx.prisma, ctx.pepper, await labAgency(ctx), ctx.viewer.subject ?? null, args.input),
  revokeStaffBinding: async (_: unknown, args: { id: string }, ctx: Ctx) => revokeStaffBinding(ctx.prisma, await labAgency(ctx), ctx.viewer.subject ?? null, args.id),
  recordResults: async (_: unknown, args: { inputs: RecordResultInput[] }, ctx: Ctx) => recordResults(ctx.prisma, await labAgency(ctx), args.inputs, ctx.relay.notify, ctx.viewer.subject ?? null, ctx.sql),
};
