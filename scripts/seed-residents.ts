// Seeds an empty health-code database with generated residents (valid ID numbers, phones,
// addresses, causes, status history, tests) by COPY, for the status-read benchmark and for
// trying the silo at city scale. Migrates the database first. Person ids use the services'
// pepper (PERSON_ID_PEPPER, or the embedded mode's development key), so the silo started on the
// same database, and tokens from `npm run token`, find these residents.
//   npm run -s seed:residents -- postgresql://postgres@127.0.0.1:5432/hc_scale 1000000 [--seed 1]
import { join } from "node:path";
import { Pool } from "pg";
import { migratePostgres } from "../kernel/db/open";
import { dataDirFromEnv, loadSecrets } from "../kernel/config/secrets";
import { copyResidents } from "./residents/copyResidents";
import { idNumberAt } from "./residents/population";

const USAGE = "usage: npm run -s seed:residents -- <database-url> <count> [--seed N]";

async function main(argv: string[]): Promise<void> {
  const [url, countText] = argv;
  const seedAt = argv.indexOf("--seed");
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : 1;
  const count = Number(countText);
  if (!url || !/^postgres(ql)?:\/\//.test(url) || !Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) throw new Error(USAGE);
  const { pepper } = loadSecrets(process.env, dataDirFromEnv(process.env));
  await migratePostgres(url, join(__dirname, "..", "subgraphs", "health-code", "prisma", "migrations"));
  const pool = new Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  try {
    const report = await copyResidents(client, {
      count,
      pepper,
      seed,
      progress: (table, rows, seconds) => console.log(`${table}: ${rows.toLocaleString("en")} rows in ${seconds.toFixed(1)} s`),
    });
    console.log(`${count.toLocaleString("en")} residents in ${report.seconds.toFixed(1)} s; the first is ID number ${idNumberAt(0, seed)}`);
  } finally {
    client.release();
    await pool.end();
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
