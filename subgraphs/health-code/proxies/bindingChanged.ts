// ProxyBindingChanged: a guardian's binding to a ward was made, verified or revoked. Appended in
// the transaction that changed it; appeals keeps a replica so a guardian can appeal for a ward.
// Ids only (pseudonymous person ids), never names or documents.
import type { NewEvent } from "../../../kernel/events";
import type { ProxyBinding } from "../generated/prisma/client";

/** The ProxyBindingChanged v1 event of a binding as it now is; `active` = verified and not revoked. */
export function bindingChanged(b: Pick<ProxyBinding, "guardianId" | "wardId" | "faceVerifiedAt" | "revokedAt">): NewEvent {
  return {
    type: "ProxyBindingChanged",
    aggregateId: b.wardId,
    payload: { guardianId: b.guardianId, wardId: b.wardId, active: b.faceVerifiedAt !== null && b.revokedAt === null, at: new Date().toISOString() },
  };
}
