// Generates each silo's Prisma client. `prisma generate` only checks that a schema-engine file
// exists and never runs it, so where the engine could not be downloaded we point it at a file of
// our own for this one command. A machine that has the real engine (or sets the variable) keeps it.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SILOS } from "../kernel/config/silos";

const root = join(__dirname, "..");
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const engines = join(root, "node_modules", "@prisma", "engines");
  const real = existsSync(engines) ? readdirSync(engines).find((f: string) => f.startsWith("schema-engine")) : undefined;
  if (!real) env.PRISMA_SCHEMA_ENGINE_BINARY = __filename;
}
for (const silo of SILOS) {
  const cwd = join(root, "subgraphs", silo);
  execFileSync(join(root, "node_modules", ".bin", "prisma"), ["generate"], { cwd, env, stdio: ["ignore", "ignore", "inherit"] });
  console.log(`generated the ${silo} Prisma client`);
}
