// Sends a request from a separate Node process, as a hostile client on another machine would:
// the test process (which hosts the gateway) then spends nothing on building or uploading it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CLIENT = `
const http = require("node:http");
const fs = require("node:fs");
const [url, file, auth] = process.argv.slice(1);
const body = fs.readFileSync(file);
const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": body.length, ...(auth ? { authorization: auth } : {}) } }, (res) => {
  const chunks = [];
  res.on("data", (c) => chunks.push(c));
  res.on("end", () => process.stdout.write(JSON.stringify({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") })));
});
req.on("error", (e) => process.stdout.write(JSON.stringify({ status: 0, body: String(e.message) })));
req.end(body);
`;

/** Posts `body` to `url` from a child process; resolves with the status and the parsed body. */
export function postFromChild(url: string, body: string, authorization?: string): Promise<{ status: number; body: any }> {
  const dir = mkdtempSync(join(tmpdir(), "hostile-"));
  const file = join(dir, "body.json");
  writeFileSync(file, body);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", CLIENT, url, file, authorization ?? ""], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", () => {
      rmSync(dir, { recursive: true, force: true });
      try {
        const parsed = JSON.parse(out) as { status: number; body: string };
        resolve({ status: parsed.status, body: parsed.body ? JSON.parse(parsed.body) : undefined });
      } catch (err) {
        reject(new Error(`child client gave no answer: ${out.slice(0, 200)}`));
      }
    });
  });
}
