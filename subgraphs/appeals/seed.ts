// Seeds the appeals silo's part of the demo city: nothing. An appeal names the health-code
// silo's cause by id, and those ids are generated (uuid) when health-code seeds, so they are
// unknown here; demo appeals are made through `submitAppeal` instead. The cause replica that
// submitAppeal checks is not seeded either: health-code's seed announces its causes as
// StatusChanged events, and this silo's consumer fills the replica from them.
import type { DemoCity } from "../../kernel/demo/city";
import type { PrismaClient } from "./generated/prisma/client";

/** Seeds nothing (see above); returns false. */
export async function seedAppeals(_prisma: PrismaClient, _city: DemoCity): Promise<boolean> {
  return false;
}
