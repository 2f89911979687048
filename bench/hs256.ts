// HS256 sign and verify: jose (WebCrypto) against kernel/auth/hs256.ts (node:crypto), side by side
// in one process, three rounds. Prints microseconds per call; asserts nothing. npx tsx bench/hs256.ts
import { randomBytes } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { signHs256, verifyHs256 } from "../kernel/auth/hs256";
const key = randomBytes(32); const reg = { issuer: "i", audience: "a" };
const claims = { role: "RESIDENT", sub: "p_abcdefghijklmnop" };
async function main() {
  const N = 5000;
  for (let round = 0; round < 3; round++) {
    let t = performance.now(); let tok = "";
    for (let i = 0; i < N; i++) tok = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuer("i").setAudience("a").setIssuedAt().setExpirationTime(Math.floor(Date.now()/1000)+30).sign(key);
    const joseSign = (performance.now() - t) / N * 1000;
    t = performance.now();
    for (let i = 0; i < N; i++) await jwtVerify(tok, key, { issuer: "i", audience: "a", algorithms: ["HS256"] });
    const joseVerify = (performance.now() - t) / N * 1000;
    t = performance.now();
    for (let i = 0; i < N; i++) tok = signHs256(claims, key, reg, 30);
    const ourSign = (performance.now() - t) / N * 1000;
    t = performance.now();
    for (let i = 0; i < N; i++) verifyHs256(tok, key, reg);
    const ourVerify = (performance.now() - t) / N * 1000;
    console.log(JSON.stringify({ joseSign, joseVerify, ourSign, ourVerify, signRatio: ourSign/joseSign, verifyRatio: ourVerify/joseVerify }));
  }
}
main();
