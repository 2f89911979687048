// LISTEN on a channel of a silo's own database, so a process can wait for a NOTIFY instead of
// polling. On PostgreSQL a dedicated connection (a pooled one could be handed to a query in the
// middle of a notification) that reconnects with backoff when it drops, and calls back once on
// every reconnect, since notifications sent while it was down are lost. On PGlite the instance's
// own listen().
import { Client } from "pg";
import type { PGlite } from "@electric-sql/pglite";

/** Stops listening. */
export type Unlisten = () => Promise<void>;

/** Calls `onNotify` for every NOTIFY on `channel` (and after every reconnect) until unlistened. */
export async function listenPostgres(url: string, channel: string, onNotify: () => void): Promise<Unlisten> {
  let client: Client | undefined;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const c = new Client({ connectionString: url });
    c.on("notification", () => onNotify());
    c.on("error", () => undefined); // `end` follows; reconnect there
    c.on("end", () => {
      if (closed || client !== c) return;
      client = undefined;
      retry();
    });
    await c.connect();
    await c.query(`LISTEN "${channel}"`);
    client = c;
    if (closed) await c.end().catch(() => undefined);
  }

  function retry(): void {
    attempt++;
    timer = setTimeout(() => {
      connect().then(
        () => {
          attempt = 0;
          onNotify(); // whatever was notified while we were away
        },
        () => void (closed || retry()),
      );
    }, Math.min(10_000, 100 * 2 ** Math.min(attempt, 7)));
  }

  await connect();
  return async () => {
    closed = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = undefined;
    await c?.end().catch(() => undefined);
  };
}

/** The same over an embedded PGlite instance. */
export async function listenPglite(db: PGlite, channel: string, onNotify: () => void): Promise<Unlisten> {
  const unlisten = await db.listen(channel, () => onNotify());
  return () => unlisten();
}
