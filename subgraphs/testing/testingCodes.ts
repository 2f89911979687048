// Testing codes (核酸码) at the sampling desk: verified with the health-code silo's public key
// alone (signature first, then expiry), and used at most once here. The use is a row written in
// the registration's own transaction, so a code is spent only when a swab is really created,
// and a second site or tube scanning the same code is refused as a replay.
import type { CryptoKey } from "jose";
import type { PrismaClient } from "./generated/prisma/client";
import { testingCodeRefusal, verifyTestingCode, type VerifiedTestingCode } from "../../kernel/testingCode";

/** The public key, loaded once at start-up (a bad key surfaces on first use, with its message). */
export interface CodeVerifier { publicKey: Promise<CryptoKey> }

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** The code's person, or BAD_USER_INPUT naming why (malformed, forged, expired). */
export async function verifyScannedCode(verifier: CodeVerifier, scanned: string): Promise<VerifiedTestingCode> {
  return verifyTestingCode(scanned, await verifier.publicKey);
}

/** Spends the code on this swab; a code already spent is refused as a replay (nothing written). */
export async function recordCodeUse(tx: Tx, code: VerifiedTestingCode, swabId: string): Promise<void> {
  const spent = await tx.$executeRaw`
    INSERT INTO testing_code_use (code_id, person_id, swab_id, expires_at)
    VALUES (${code.codeId}, ${code.personId}, ${swabId}, ${code.expiresAt})
    ON CONFLICT (code_id) DO NOTHING`;
  if (spent === 0) throw testingCodeRefusal("TESTING_CODE_REPLAYED");
}
