// One change of a person's status colour (status_change rows).
import type { StatusChange as Row } from "../generated/prisma/client";

export const StatusChange = {
  from: (c: Row) => c.fromColour,
  to: (c: Row) => c.toColour,
};
