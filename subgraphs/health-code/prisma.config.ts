// Prisma CLI settings for the health-code silo. `prisma migrate deploy` (on a machine that has Prisma's
// engine) reads the database URL from HEALTH_CODE_DATABASE_URL; this project's own runner applies the
// same migrations without the engine (kernel/db/migrate.ts).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.HEALTH_CODE_DATABASE_URL ?? "" },
});
