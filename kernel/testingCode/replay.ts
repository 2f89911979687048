// How often a verifier has seen a code. The policy (how many uses a code may have) is the
// verifier's; a single process keeps the counts in memory until the codes expire, and a verifier
// with several instances passes a shared store (e.g. Redis INCR with the code's expiry).

/** Counts uses of a code id; returns the count including this use. */
export interface ReplayGuard {
  use(codeId: string, expiresAt: Date): Promise<number>;
}

/** An in-memory guard that forgets codes once they have expired. */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, { count: number; expiresAt: number }>();

  async use(codeId: string, expiresAt: Date): Promise<number> {
    const now = Date.now();
    if (this.seen.size > 10_000) for (const [id, e] of this.seen) if (e.expiresAt < now) this.seen.delete(id);
    const entry = this.seen.get(codeId) ?? { count: 0, expiresAt: expiresAt.getTime() };
    entry.count += 1;
    this.seen.set(codeId, entry);
    return entry.count;
  }
}
