// What the appeals silo knows of health-code's causes: its own replica (cause_replica), fed by
// StatusChanged events. An appeal may name only an open cause of the appellant's own.
import { GraphQLError } from "graphql";
import { fail } from "../../kernel/runtime/errors";
import type { PrismaClient } from "./generated/prisma/client";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * Refuses a cause that is unknown or someone else's (both NOT_FOUND, so the answer never confirms
 * that another person's cause exists) or already cleared (CONFLICT); returns the appellant's
 * community as their health-code record gives it (the appeal's community, which decides which
 * officer reviews it: the appellant never chooses it).
 */
export async function assertOwnOpenCause(tx: Tx, personId: string, causeId: string): Promise<{ community: string; district: string | null; kind: string }> {
  const cause = await tx.causeReplica.findUnique({ where: { causeId } });
  if (!cause || cause.personId !== personId) {
    throw fail("NOT_FOUND", "There is no pop-up of yours (or your ward's) with this cause id: copy it from your health code's causes. A pop-up raised in the last few seconds may need a moment to appear here.", { field: "causeId" });
  }
  if (!cause.open) throw fail("CONFLICT", "This pop-up has already been cleared: there is nothing to appeal.", { field: "causeId" });
  const person = await tx.causeReplicaPerson.findUnique({ where: { personId } });
  if (!person?.community) {
    // A replica row from before events carried the community: wait for the person's next event
    // rather than guess (SERVICE_UNAVAILABLE is transient: the client may retry).
    throw new GraphQLError("Your community on the health-code record has not reached the appeals service yet; try again in a minute.", { extensions: { code: "SERVICE_UNAVAILABLE" } });
  }
  return { community: person.community, district: person.district, kind: cause.kind };
}
