// A consumer's watch over its positions per source stream (positions.ts). A hole that outlasts
// `graceMs` (long enough for events merely in flight at another consumer of the group) is asked
// of the source's relay, again every `retryMs` while it lasts; one still open after `lostAfterMs`
// is logged at error level and shown as `unrepairedGap` until it closes. A group that Redis lost
// (its reader had to create it again) asks at once for everything after its applied position.
import type { SqlDatabase } from "../db/sql";
import type { EventBus } from "./bus";
import { checkGaps, type Hole } from "./positions";
import { logError, type Logger } from "./types";

export interface GapCounters {
  /** Positions found missing (each hole counted once, when first asked for). */
  gapEvents: number;
  /** Repair requests sent to source relays. */
  repairRequests: number;
  /** Positions missing past lostAfterMs right now (a gauge: 0 once repaired). */
  unrepairedGap: number;
}

export interface GapWatchOptions {
  db: SqlDatabase;
  bus: EventBus;
  group: string;
  streams: string[];
  logger: Logger;
  counters: GapCounters;
  /** How often holes are looked for while there is news (default 1 s). */
  checkEveryMs?: number;
  graceMs?: number;
  retryMs?: number;
  lostAfterMs?: number;
}

interface StreamState {
  dirty: boolean;
  /** applied_through when the current holes were first seen, and when. */
  stuckAt?: number;
  since: number;
  askedAt?: number;
  missing: number;
  reported: boolean;
}

const size = (holes: Hole[]) => holes.reduce((n, h) => n + h.to - h.from + 1, 0);

export class GapWatch {
  private readonly state = new Map<string, StreamState>();
  private lastCheck = 0;

  constructor(private readonly o: GapWatchOptions) {
    for (const s of o.streams) this.state.set(s, { dirty: true, since: 0, missing: 0, reported: false });
  }

  /** Something was handled on the stream: look for holes at the next check. */
  touched(stream: string): void {
    const s = this.state.get(stream);
    if (s) s.dirty = true;
  }

  /** Streams whose group the bus had lost: ask for everything after the applied position now. */
  async recreated(streams: string[]): Promise<void> {
    for (const stream of streams) {
      const { appliedThrough } = await checkGaps(this.o.db, this.o.group, stream);
      if (appliedThrough === null || !this.o.bus.requestRepair) continue;
      await this.o.bus.requestRepair(stream, { group: this.o.group, from: appliedThrough + 1 });
      this.o.counters.repairRequests++;
      this.o.logger.warn("consumer group was missing on the bus (Redis lost it); asked the source to republish what follows", {
        group: this.o.group, stream, from: appliedThrough + 1,
      });
    }
  }

  /** Folds positions and asks for holes that outlasted the grace period; cheap when nothing changed. */
  async tick(now = Date.now()): Promise<void> {
    if (now - this.lastCheck < (this.o.checkEveryMs ?? 1_000)) return;
    this.lastCheck = now;
    for (const [stream, s] of this.state) {
      if (!s.dirty && s.stuckAt === undefined) continue;
      s.dirty = false;
      const { appliedThrough, holes } = await checkGaps(this.o.db, this.o.group, stream);
      if (holes.length === 0 || appliedThrough === null) {
        if (s.reported) this.o.logger.warn("missing events arrived after all; the gap is closed", { group: this.o.group, stream, appliedThrough });
        this.o.counters.unrepairedGap -= s.reported ? s.missing : 0;
        this.state.set(stream, { dirty: false, since: 0, missing: 0, reported: false });
        continue;
      }
      if (s.stuckAt !== appliedThrough) {
        this.o.counters.unrepairedGap -= s.reported ? s.missing : 0;
        Object.assign(s, { stuckAt: appliedThrough, since: now, askedAt: undefined, reported: false });
      }
      const missing = size(holes);
      if (s.reported) this.o.counters.unrepairedGap += missing - s.missing;
      s.missing = missing;
      await this.act(stream, s, holes, now);
    }
  }

  private async act(stream: string, s: StreamState, holes: Hole[], now: number): Promise<void> {
    const fields = { group: this.o.group, stream, from: holes[0]!.from, to: holes[holes.length - 1]!.to, missing: s.missing };
    if (now - s.since >= (this.o.graceMs ?? 5_000) && (s.askedAt === undefined || now - s.askedAt >= (this.o.retryMs ?? 30_000))) {
      if (s.askedAt === undefined) {
        this.o.counters.gapEvents += s.missing;
        this.o.logger.warn("consumer found events its source published but it never received; asked the source to republish them", fields);
      }
      s.askedAt = now;
      if (this.o.bus.requestRepair) {
        await this.o.bus.requestRepair(stream, { group: this.o.group, from: fields.from, to: fields.to });
        this.o.counters.repairRequests++;
      }
    }
    if (!s.reported && now - s.since >= (this.o.lostAfterMs ?? 60_000)) {
      s.reported = true;
      this.o.counters.unrepairedGap += s.missing;
      logError(this.o.logger, "events are missing and were not repaired; the source may no longer hold them (see its relay's log)", fields);
    }
  }
}
