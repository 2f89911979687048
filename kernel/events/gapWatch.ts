// A consumer's watch over its positions per source stream (positions.ts). A hole is asked of the
// source's relay once it has outlasted `graceMs` (events merely in flight at another consumer of
// the group) and the group has caught up with the stream (no undelivered entries: after a repair or
// a reset, positions arrive out of order, and what is still queued is no gap). Each hole is its own
// request, so only missing positions are republished; it is asked again every `retryMs` while it
// lasts. A hole still open after `lostAfterMs` is logged at error level and shown as
// `unrepairedGap` until it closes.
import type { SqlDatabase } from "../db/sql";
import type { EventBus, GroupReader } from "./bus";
import { checkGaps, type Hole } from "./positions";
import { logError, type Logger } from "./types";

export interface GapCounters {
  /** Positions found missing (each hole counted once, when first asked for). */
  gapEvents: number;
  /** Repair requests sent to source relays (one per hole and asking). */
  repairRequests: number;
  /** Positions missing past lostAfterMs right now (a gauge: 0 once repaired). */
  unrepairedGap: number;
}

export interface GapWatchOptions {
  db: SqlDatabase;
  bus: EventBus;
  reader: GroupReader;
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

// Holes asked for per stream and asking; later ones follow once these are filled.
const MAX_HOLES_ASKED = 100;
// Undelivered entries below which the group counts as caught up with its stream.
const CAUGHT_UP_LAG = 100;
const size = (holes: Hole[]) => holes.reduce((n, h) => n + h.to - h.from + 1, 0);
const fresh = (): StreamState => ({ dirty: false, since: 0, missing: 0, reported: false });

export class GapWatch {
  private readonly state = new Map<string, StreamState>();
  private lastCheck = 0;

  constructor(private readonly o: GapWatchOptions) {
    for (const s of o.streams) this.state.set(s, { ...fresh(), dirty: true });
  }

  /** Something was handled on the stream: look for holes at the next check. */
  touched(stream: string): void {
    const s = this.state.get(stream);
    if (s) s.dirty = true;
  }

  /** Streams whose group the bus had lost. The source's relay republishes its newest event, whose position shows the group what to ask for. */
  recreated(streams: string[]): void {
    for (const stream of streams) {
      this.o.logger.warn("consumer group was missing on the bus (Redis lost it); missing events will be asked of the source", { group: this.o.group, stream });
      this.touched(stream);
    }
  }

  /** Folds positions and asks for holes that outlasted the grace period; no statement when nothing changed. */
  async tick(now = Date.now()): Promise<void> {
    if (now - this.lastCheck < (this.o.checkEveryMs ?? 1_000)) return;
    this.lastCheck = now;
    for (const [stream, s] of this.state) {
      if (!s.dirty && s.stuckAt === undefined) continue;
      s.dirty = false;
      const { appliedThrough, holes } = await checkGaps(this.o.db, this.o.group, stream);
      if (holes.length === 0 || appliedThrough === null) {
        if (s.reported) {
          this.o.counters.unrepairedGap -= s.missing;
          this.o.logger.warn("missing events arrived after all, or were passed over; the gap is closed", { group: this.o.group, stream, appliedThrough });
        }
        this.state.set(stream, fresh());
        continue;
      }
      if (s.stuckAt !== appliedThrough) {
        if (s.reported) this.o.counters.unrepairedGap -= s.missing;
        Object.assign(s, { stuckAt: appliedThrough, since: now, askedAt: undefined, reported: false, missing: 0 });
      }
      const missing = size(holes);
      if (s.reported) this.o.counters.unrepairedGap += missing - s.missing;
      s.missing = missing;
      await this.act(stream, s, holes, now);
    }
  }

  private async act(stream: string, s: StreamState, holes: Hole[], now: number): Promise<void> {
    const fields = { group: this.o.group, stream, from: holes[0]!.from, to: holes[holes.length - 1]!.to, holes: holes.length, missing: s.missing };
    const due = now - s.since >= (this.o.graceMs ?? 5_000) && (s.askedAt === undefined || now - s.askedAt >= (this.o.retryMs ?? 30_000));
    // Still queued on the stream for this group is no gap yet (a null lag cannot tell: ask anyway).
    // A short queue counts as caught up, or steady traffic would starve every repair.
    if (due && this.o.bus.requestRepair && ((await this.o.reader.lag?.(stream)) ?? 0) <= CAUGHT_UP_LAG) {
      // The group's consumers share positions and see the same holes: one asks per stuck position
      // and claim, or a request the relay served before another's arrived would be republished
      // twice. The others wait for the retry like the one that asked. The claim lasts half the
      // retry, so the asker's own retry finds it lapsed.
      const asking = !this.o.bus.claimRepairAsk
        || (await this.o.bus.claimRepairAsk(stream, this.o.group, s.stuckAt ?? 0, (this.o.retryMs ?? 30_000) / 2));
      if (s.askedAt === undefined) {
        this.o.counters.gapEvents += s.missing;
        this.o.logger.warn(asking
          ? "consumer found events its source published but it never received; asked the source to republish them"
          : "consumer found events its source published but it never received; another consumer of the group has asked for them", fields);
      }
      s.askedAt = now;
      if (asking) {
        for (const h of holes.slice(0, MAX_HOLES_ASKED)) {
          await this.o.bus.requestRepair(stream, { group: this.o.group, from: h.from, to: h.to });
          this.o.counters.repairRequests++;
        }
      }
    }
    if (!s.reported && now - s.since >= (this.o.lostAfterMs ?? 60_000)) {
      s.reported = true;
      this.o.counters.unrepairedGap += s.missing;
      logError(this.o.logger, "events are missing and were not repaired; the source may no longer hold them (see its relay's log)", fields);
    }
  }
}
