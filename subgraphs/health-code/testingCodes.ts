// Issuing testing codes (核酸码, seed 000): a resident for themself, a guardian for a verified
// ward. The code carries the pseudonymous id only; the QR image is rendered here so the app
// shows it as it is.
import QRCode from "qrcode";
import { fail } from "../../kernel/runtime/errors";
import { signTestingCode } from "../../kernel/testingCode";
import type { HealthCodeContext } from "./context";

export interface TestingCodeResult { personId: string; payload: string; expiresAt: Date; svg: string }

/** Whose code the viewer may get: their own, or (GUARDIAN) a face-verified ward's. */
async function holderOf(ctx: HealthCodeContext, wardId: string | null | undefined): Promise<string> {
  const { role, subject } = ctx.viewer;
  if (!subject) throw fail("FORBIDDEN", "This token belongs to no person: a testing code needs a resident's or guardian's token.");
  if (!wardId || wardId === subject) return subject;
  if (role !== "GUARDIAN") throw fail("FORBIDDEN", "Only a guardian may get a testing code for someone else, and only for their verified ward.");
  if (!(await ctx.loaders.verifiedWard.load(wardId))) throw fail("FORBIDDEN", "This person is not your verified ward: bind them first (face verification, or the household register for a child).");
  return wardId;
}

/** Issues a signed, short-lived testing code and its QR image (SVG). */
export async function issueTestingCode(ctx: HealthCodeContext, wardId: string | null | undefined): Promise<TestingCodeResult> {
  const personId = await holderOf(ctx, wardId);
  if (!(await ctx.loaders.resident.load(personId))) throw fail("NOT_FOUND", "No resident record for this person: register with your community first.");
  const keys = await ctx.testingCodeKeys;
  const code = await signTestingCode(personId, { privateKey: keys.privateKey, kid: keys.publicJwk.kid });
  const svg = await QRCode.toString(code.payload, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { personId, payload: code.payload, expiresAt: code.expiresAt, svg };
}
