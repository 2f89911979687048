// Waiting without busy loops: capped exponential backoff with jitter, and sleeps that a stop()
// or a new-work signal can cut short.

/** Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, with ±20% jitter. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/**
 * A sleep that `wake()` ends early (a wake while awake makes the next sleep return at once, so a
 * signal arriving mid-work is not lost); `stop()` ends the current and every later sleep.
 */
export class Sleeper {
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;
  private stopped = false;
  private woken = false;

  /** Sleeps up to `ms`; returns early on wake() or stop(). */
  sleep(ms: number): Promise<void> {
    if (this.stopped || this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.end(), ms);
    });
  }

  /** Ends the current sleep, or the next one if none is under way. */
  wake(): void {
    if (!this.resolve) {
      this.woken = true;
      return;
    }
    this.end();
  }

  /** Ends the current sleep and makes later sleeps return immediately. */
  stop(): void {
    this.stopped = true;
    this.end();
  }

  private end(): void {
    if (this.timer) clearTimeout(this.timer);
    const resolve = this.resolve;
    this.timer = undefined;
    this.resolve = undefined;
    resolve?.();
  }
}

/** Describes an unknown thrown value in one short line (never a payload: errors only). */
export function errorText(err: unknown, max = 500): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
