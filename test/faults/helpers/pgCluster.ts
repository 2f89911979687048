// A PostgreSQL cluster of the test's own (initdb + pg_ctl from PostgreSQL 15, trust auth, a free
// port, a temp directory) that the test may stop, restart and kill. The shared server on 5432 is
// never touched. `available()` says whether the binaries exist, so fault suites can skip cleanly.
import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createServer } from "node:net";
import { Client } from "pg";

const exec = promisify(execFile);
const BIN = process.env.PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin";
const isRoot = process.getuid?.() === 0;
// initdb and postgres refuse to run as root: as root, run them as the postgres user.
const run = (bin: string, args: string[]) => (isRoot ? exec("runuser", ["-u", "postgres", "--", bin, ...args]) : exec(bin, args));
const postgresIds = (): { uid: number; gid: number } | undefined => {
  if (!isRoot) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    return undefined;
  }
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** True when initdb and pg_ctl are installed (as root: and a postgres user to run them as). */
  static available(): boolean {
    return existsSync(join(BIN, "initdb")) && existsSync(join(BIN, "pg_ctl")) && (!isRoot || postgresIds() !== undefined);
  }

  /** initdb into a temp dir and start on a free port. */
  static async start(): Promise<PgCluster> {
    const dir = mkdtempSync(join(tmpdir(), "hg-faults-pg-"));
    const ids = postgresIds();
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const cluster = new PgCluster(dir, await freePort());
    await run(join(BIN, "initdb"), ["-D", join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    await cluster.startServer();
    return cluster;
  }

  /** An admin URL, or one for the named database. */
  url(database = "postgres"): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Creates a database and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    const c = new Client({ connectionString: this.url() });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    return this.url(name);
  }

  async startServer(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    await run(join(BIN, "pg_ctl"), ["-D", join(this.dir, "data"), "-o", opts, "-l", join(this.dir, "log"), "-w", "-t", "30", "start"]);
  }

  /** pg_ctl stop -m fast: every connection is terminated (57P01), as in a restart. */
  async stopServer(mode: "fast" | "immediate" = "fast"): Promise<void> {
    await run(join(BIN, "pg_ctl"), ["-D", join(this.dir, "data"), "-m", mode, "-w", "-t", "30", "stop"]);
  }

  /** pg_ctl restart -m fast. */
  async restart(): Promise<void> {
    await this.stopServer();
    await this.startServer();
  }

  /** Stops the server (if running) and deletes its directory. */
  async destroy(): Promise<void> {
    await this.stopServer("immediate").catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
