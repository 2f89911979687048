// A registrar's visitor history, cursor-paginated. The cursor is `base64url(<ISO time>|<id>)`,
// the position of a row in (checkedInAt, id) order; the same cursor continues either order. The
// live feed builds a cursor from a time to read a little behind its last row (see gateway/feed).
import { fail } from "../../kernel/runtime/errors";
import type { CheckIn, Prisma } from "./generated/prisma/client";
import type { VenuesContext } from "./context";
import { ownRegister } from "./registers";
import { requireRegistrar } from "./registrars";

export const PAGE_MAX = 200;

export interface HistoryArgs { registerId?: string | null; first: number; after?: string | null; order: "NEWEST_FIRST" | "OLDEST_FIRST" }

/** The cursor of a row. */
export function cursorOf(c: Pick<CheckIn, "checkedInAt" | "id">): string {
  return Buffer.from(`${c.checkedInAt.toISOString()}|${c.id}`).toString("base64url");
}

function parseCursor(cursor: string): { at: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const at = new Date(iso ?? "");
  if (id === undefined || Number.isNaN(at.getTime())) throw fail("BAD_USER_INPUT", "This cursor is not one the history returned: start again without 'after'.", { field: "after" });
  return { at, id };
}

/** One page of the signed-in registrar's visitors (their registers that are not deleted). */
export async function visitorHistory(ctx: VenuesContext, args: HistoryArgs) {
  const registrarId = requireRegistrar(ctx);
  const first = Math.trunc(args.first);
  if (first < 1 || first > PAGE_MAX) throw fail("BAD_USER_INPUT", `'first' must be 1 to ${PAGE_MAX}.`, { field: "first" });
  let registerIds: string[];
  if (args.registerId) {
    const r = await ownRegister(ctx, args.registerId);
    registerIds = r.status === "DELETED" ? [] : [r.id];
  } else {
    registerIds = (await ctx.prisma.register.findMany({ where: { registrarId, status: { not: "DELETED" } }, select: { id: true } })).map((r) => r.id);
  }
  const newest = args.order === "NEWEST_FIRST";
  const where: Prisma.CheckInWhereInput = { registerId: { in: registerIds } };
  if (args.after) {
    const { at, id } = parseCursor(args.after);
    where.OR = newest
      ? [{ checkedInAt: { lt: at } }, { checkedInAt: at, id: { lt: id } }]
      : [{ checkedInAt: { gt: at } }, { checkedInAt: at, id: { gt: id } }];
  }
  const dir = newest ? "desc" : "asc";
  const rows = registerIds.length === 0 ? [] : await ctx.prisma.checkIn.findMany({ where, orderBy: [{ checkedInAt: dir }, { id: dir }], take: first + 1 });
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return { edges, endCursor: edges.at(-1)?.cursor ?? args.after ?? null, hasNextPage: rows.length > first };
}
