// Residents per colour follow the configured colours: CASE and CLOSE_CONTACT count as RED, a
// pooled positive as POPUP (on an embedded database with every migration applied).
import { join } from "node:path";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { PrismaClient } from "../../subgraphs/health-code/generated/prisma/client";
import { countStatuses } from "../../subgraphs/health-code/statusCounts";

describe("statusCounts", () => {
  let db: SiloDatabase;
  let prisma: PrismaClient;
  beforeAll(async () => {
    db = await openSiloDatabase({ migrationsDir: join(__dirname, "../../subgraphs/health-code/prisma/migrations") });
    prisma = new PrismaClient({ adapter: db.adapter });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
  });

  test("each kind counts in its configured colour; the worst open cause wins", async () => {
    const kinds = [["a", "CASE"], ["b", "CLOSE_CONTACT"], ["c", "HOME_OBSERVATION"], ["d", "POOLED_POSITIVE"], ["e", null], ["f", "POPUP_TRAVEL"], ["f", "HOME_OBSERVATION"]] as const;
    const ids = [...new Set(kinds.map(([p]) => p))];
    await prisma.resident.createMany({ data: ids.map((p) => ({ personId: p, documentType: "CITIZEN_ID" as const, documentNumber: `doc-${p}`, name: "n", birthDate: new Date("1990-01-01"), district: "东城区", community: "c" })) });
    await prisma.statusCause.createMany({ data: kinds.filter(([, k]) => k).map(([p, k], i) => ({ id: `cause-${i}`, personId: p, kind: k!, detail: "d", raisedAt: new Date() })) });
    expect(await countStatuses(prisma, null)).toEqual([
      { colour: "RED", residents: 2 },
      { colour: "YELLOW", residents: 2 },
      { colour: "POPUP", residents: 1 },
      { colour: "GREEN", residents: 1 },
    ]);
    expect((await countStatuses(prisma, "西城区")).every((c) => c.residents === 0)).toBe(true);
  });
});
