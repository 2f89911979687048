// Wakes a relay when its outbox gets rows, instead of polling every 200 ms: appendEvents NOTIFYs
// the outbox channel in the writing transaction, PostgreSQL delivers it at commit to every
// listener of that database (any process, any replica), and the relay drains. A slow poll stays
// as the fallback for a notification lost while the listening connection was reconnecting.
import { OUTBOX_CHANNEL } from "./outbox";
import type { RelayNotifier } from "./relay";

/** The relay's poll interval when it is woken by LISTEN/NOTIFY: a fallback only. */
export const FALLBACK_POLL_MS = 5_000;

/** Subscribes to a database channel; resolves to a function that stops it. */
export type ListenFn = (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;

/** A RelayNotifier fed by NOTIFY on the outbox channel and by `others` (e.g. the in-process one). */
export async function outboxWakeUp(listen: ListenFn, ...others: RelayNotifier[]): Promise<RelayNotifier & { close(): Promise<void> }> {
  const wakes = new Set<() => void>();
  const unlisten = await listen(OUTBOX_CHANNEL, () => wakes.forEach((wake) => wake()));
  return {
    subscribe(wake) {
      wakes.add(wake);
      const rest = others.map((o) => o.subscribe(wake));
      return () => {
        wakes.delete(wake);
        rest.forEach((off) => off());
      };
    },
    close: unlisten,
  };
}
