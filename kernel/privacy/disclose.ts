// Turns a value into what a viewer may see of it, in the silo that owns it, before it leaves.
import { createHmac } from "node:crypto";
import { refusal } from "../runtime/errors";
import { ageBand, birthYear, maskIdentifiersInText, maskIdNumber, maskName, maskPhone, redactText } from "../identity";
import type { Disclosure, PiiKind } from "./policy";
import type { EntityKeyring } from "./entityKeys";

/** A stable token for (person, kind): auditors can count and join, not identify. */
export function pseudonymFor(key: Uint8Array, audience: string, ownerId: string, kind: PiiKind): string {
  return "anon_" + createHmac("sha256", key).update(`${audience}:${kind}:${ownerId}`).digest("base64url").slice(0, 22);
}

function masked(kind: PiiKind, value: string): string {
  switch (kind) {
    case "NAME":
      return maskName(value);
    case "ID_NUMBER":
      return maskIdNumber(value);
    case "PHONE":
      return maskPhone(value);
    case "BIRTH_DATE":
      return `${birthYear(value)}-**-**`;
    case "ADDRESS":
      // Addresses are served as "district community[ detail]"; masked keeps the community.
      return value.split(" ").slice(0, 2).join(" ");
    case "FREE_TEXT":
      return maskIdentifiersInText(value);
  }
}

/** Quasi-identifiers made coarse enough to count by; identifiers have no coarser form. */
function generalised(kind: PiiKind, value: string): string | null {
  switch (kind) {
    case "BIRTH_DATE":
      return ageBand(value);
    case "ADDRESS":
      return value.split(" ")[0] ?? "";
    case "FREE_TEXT":
      return redactText(value);
    default:
      return null;
  }
}

export interface DiscloseContext {
  pseudonymKey: Uint8Array;
  audience: string;
  /** Per-audience entity ids (entityKeys.ts). */
  entityKeys: EntityKeyring;
}

/** Applies a disclosure decision to one value; DENIED throws FORBIDDEN without the value. */
export function discloseValue(kind: PiiKind, value: string, disclosure: Disclosure, ownerId: string | undefined, ctx: DiscloseContext): string {
  switch (disclosure) {
    case "FULL":
      return value;
    case "MASKED":
      return masked(kind, value);
    case "GENERALISED":
      return generalised(kind, value) ?? masked(kind, value);
    case "PSEUDONYM":
      return pseudonymFor(ctx.pseudonymKey, ctx.audience, ownerId ?? value, kind);
    case "DENIED":
      throw refusal("FORBIDDEN", `Your role may not see this ${kind.toLowerCase().replace("_", " ")}.`);
  }
}
