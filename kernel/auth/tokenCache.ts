// Verified client tokens, kept for their remaining life so a client's next request skips the
// signature check. Bounded: the oldest entry goes when it is full, so a flood of distinct tokens
// costs memory only up to the bound. Only tokens that verified are stored; a hit whose expiry has
// passed is dropped and verified again (which then refuses it as expired).
import type { Viewer } from "./viewer";

interface Entry {
  viewer: Viewer;
  /** Seconds since the epoch, from the token's `exp`. */
  exp: number;
}

export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = 10_000) {}

  /** The Viewer of a token verified before and not yet expired. */
  get(token: string): Viewer | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.exp <= Math.floor(Date.now() / 1000)) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.viewer;
  }

  /** Remembers a verified token until `exp` (seconds since the epoch). */
  set(token: string, viewer: Viewer, exp: number): void {
    if (this.max <= 0) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { viewer, exp });
  }

  get size(): number {
    return this.entries.size;
  }
}
