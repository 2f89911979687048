// One consumer's reader on the in-process bus: its own pending messages first, then new ones,
// waiting for a publish when there are none; claims of idle pending messages; acks; dead letters.
import type { Delivery, GroupReader } from "./bus";
import type { Entry, InProcessBus, Pending } from "./inProcessBus";
import type { EventEnvelope } from "./types";
import { Sleeper } from "./timing";

/** A GroupReader over an InProcessBus. */
export class InProcessReader implements GroupReader {
  private ownPendingRead = false;
  private readonly sleeper = new Sleeper();
  private readonly unwatch: () => void;

  constructor(
    private readonly bus: InProcessBus,
    private readonly groupName: string,
    private readonly consumer: string,
    private readonly streams: string[],
    private created: string[] = [],
  ) {
    this.unwatch = bus.watch(this.sleeper);
  }

  async read(count: number, blockMs: number): Promise<Delivery[]> {
    if (!this.ownPendingRead) {
      this.ownPendingRead = true;
      const own = this.collect(count, (p) => p.consumer === this.consumer, false);
      if (own.length) return own;
    }
    const fresh = this.takeNew(count);
    if (fresh.length || blockMs <= 0) return fresh;
    await this.sleeper.sleep(blockMs);
    return this.takeNew(count);
  }

  async claimStale(minIdleMs: number, count: number): Promise<Delivery[]> {
    const cutoff = Date.now() - minIdleMs;
    return this.collect(count, (p) => p.deliveredAt <= cutoff, true);
  }

  async ack(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) this.bus.group(d.stream, this.groupName).pending.delete(d.messageId);
  }

  async deadLetter(delivery: Delivery, error: string, attempts: number): Promise<void> {
    const g = this.bus.group(delivery.stream, this.groupName);
    const json = g.pending.get(delivery.messageId)?.entry.json ?? JSON.stringify(delivery.envelope ?? null);
    g.dead.push({ messageId: delivery.messageId, json, error, attempts, at: new Date().toISOString() });
    if (g.dead.length > this.bus.maxDeadLetters) g.dead.shift();
    g.pending.delete(delivery.messageId);
  }

  async lag(stream: string): Promise<number | null> {
    const s = this.bus.stream(stream);
    return s.base + s.entries.length - this.bus.group(stream, this.groupName).next;
  }

  takeCreatedStreams(): string[] {
    return this.created.splice(0);
  }

  async close(): Promise<void> {
    this.sleeper.stop();
    this.unwatch();
  }

  private takeNew(count: number): Delivery[] {
    const out: Delivery[] = [];
    for (const name of this.streams) {
      const s = this.bus.stream(name);
      const g = this.bus.group(name, this.groupName);
      const end = Math.min(s.base + s.entries.length, g.next + count);
      for (; g.next < end; g.next++) {
        const entry = s.entries[g.next - s.base];
        if (!entry) continue;
        g.pending.set(entry.id, { entry, consumer: this.consumer, deliveredAt: Date.now(), deliveries: 1 });
        out.push(toDelivery(name, entry, 1));
      }
      this.bus.trim(s);
    }
    return out;
  }

  private collect(count: number, pick: (p: Pending) => boolean, claim: boolean): Delivery[] {
    const out: Delivery[] = [];
    for (const name of this.streams) {
      let taken = 0;
      for (const p of this.bus.group(name, this.groupName).pending.values()) {
        if (taken >= count) break;
        if (!pick(p)) continue;
        if (claim) Object.assign(p, { consumer: this.consumer, deliveredAt: Date.now(), deliveries: p.deliveries + 1 });
        out.push(toDelivery(name, p.entry, p.deliveries));
        taken++;
      }
    }
    return out;
  }
}

function toDelivery(stream: string, entry: Entry, deliveries: number): Delivery {
  return { stream, messageId: entry.id, envelope: JSON.parse(entry.json) as EventEnvelope, deliveries };
}
