// One silo as its own process (`tsx subgraphs/<silo>/index.ts`), as in services mode, so a test can
// see whether a fault kills the process. It listens on a free port and reports its URL on stdout.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Silo } from "../../../kernel/config/silos";
import { envPrefix } from "../../../kernel/config/silos";

const ROOT = join(__dirname, "..", "..", "..");

export class SiloProcess {
  url = "";
  exitCode: number | null = null;
  output = "";
  private constructor(
    readonly proc: ChildProcess,
    readonly viewerKey: Uint8Array,
    private readonly dataDir: string,
  ) {}

  /** Starts the silo over `databaseUrl` and resolves once it listens. */
  static async start(silo: Silo, databaseUrl: string): Promise<SiloProcess> {
    const secret = () => randomBytes(32).toString("hex");
    const viewerSecret = secret();
    const dataDir = mkdtempSync(join(tmpdir(), `hg-faults-${silo}-`));
    const prefix = envPrefix(silo);
    const env = { ...process.env, NODE_ENV: "test", DATA_DIR: dataDir, [`${prefix}_DATABASE_URL`]: databaseUrl, [`${prefix}_PORT`]: "0", AUTH_TOKEN_SECRET: secret(), VIEWER_HEADER_SECRET: viewerSecret, PERSON_ID_PEPPER: secret() };
    delete env.REDIS_URL;
    delete env.NODE_OPTIONS;
    const proc = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "subgraphs", silo, "index.ts")], { env, stdio: ["ignore", "pipe", "pipe"] });
    const p = new SiloProcess(proc, new Uint8Array(Buffer.from(viewerSecret, "utf8")), dataDir);
    proc.on("exit", (code) => (p.exitCode = code ?? -1));
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        p.output += d.toString();
        const m = /subgraph ready at (\S+)/.exec(p.output);
        if (m) {
          p.url = m[1]!;
          resolve();
        }
      };
      proc.stdout!.on("data", onData);
      proc.stderr!.on("data", (d: Buffer) => (p.output += d.toString()));
      proc.once("exit", (code) => reject(new Error(`${silo} exited with ${code} before listening:\n${p.output}`)));
      setTimeout(() => reject(new Error(`${silo} did not start in 60 s:\n${p.output}`)), 60_000).unref();
    });
    return p;
  }

  get alive(): boolean {
    return this.exitCode === null;
  }

  async stop(): Promise<void> {
    if (this.alive) {
      const exited = new Promise((r) => this.proc.once("exit", r));
      this.proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
      if (this.alive) this.proc.kill("SIGKILL");
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
