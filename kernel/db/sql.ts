// The smallest SQL surface the kernel needs (migrations, outbox, processed-event records),
// over the three ways a silo reaches PostgreSQL: a pg pool, an embedded PGlite, or a
// Prisma client / interactive transaction. Domain reads and writes go through Prisma itself.
import type { Pool, PoolClient } from "pg";
import type { PGlite, Transaction as PGliteTransaction } from "@electric-sql/pglite";

/** Options of one statement. */
export interface QueryOptions {
  /**
   * A name for a statement run on every request (a hot read): over a pg pool each connection
   * prepares it once and then only binds and executes it, so PostgreSQL neither parses nor plans
   * it again. One name, one text. Ignored by PGlite and Prisma.
   */
  name?: string;
}

/** Runs one parameterised statement ($1, $2 …) and returns its rows (empty when none). */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
}

/** A database that can also open a transaction; `fn`'s statements commit together or not at all. */
export interface SqlDatabase extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** The part of a Prisma client (or of its interactive-transaction client) the kernel uses. */
export interface PrismaLike {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}
export interface PrismaTransactional extends PrismaLike {
  $transaction<R>(fn: (tx: PrismaLike) => Promise<R>): Promise<R>;
}

/** SQL over a Prisma client or a Prisma interactive transaction. */
export function prismaSql(prisma: PrismaLike): Sql {
  return {
    async query<T>(text: string, params: unknown[] = []) {
      const rows = await prisma.$queryRawUnsafe<T[] | number>(text, ...params);
      return Array.isArray(rows) ? rows : [];
    },
  };
}

/** A SqlDatabase over a Prisma client: transactions are Prisma interactive transactions. */
export function prismaDatabase(prisma: PrismaTransactional): SqlDatabase {
  return {
    ...prismaSql(prisma),
    transaction: (fn) => prisma.$transaction((tx) => fn(prismaSql(tx))),
  };
}

function pgClientSql(client: Pool | PoolClient): Sql {
  return {
    async query<T>(text: string, params: unknown[] = [], options?: QueryOptions) {
      const res = options?.name ? await client.query({ name: options.name, text, values: params }) : await client.query(text, params as unknown[]);
      return res.rows as T[];
    },
  };
}

/** A SqlDatabase over a node-postgres pool. */
export function pgDatabase(pool: Pool): SqlDatabase {
  return {
    ...pgClientSql(pool),
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client is outside the pool's idle 'error' listener: without one of its own,
      // a connection dropped mid-transaction (a database restart) is an uncaught 'error' that
      // kills the process. The error also reaches the query in flight, which fails this
      // transaction; the broken client is then destroyed rather than returned to the pool.
      let broken: Error | undefined;
      const onError = (err: Error) => void (broken ??= err);
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const result = await fn(pgClientSql(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        if (!broken) await client.query("ROLLBACK").catch((e: Error) => void (broken ??= e));
        throw err;
      } finally {
        client.removeListener("error", onError);
        client.release(broken ?? false);
      }
    },
  };
}

function pgliteSql(db: PGlite | PGliteTransaction): Sql {
  return {
    async query<T>(text: string, params: unknown[] = []) {
      const res = await db.query<T>(text, params as unknown[]);
      return res.rows;
    },
  };
}

/** A SqlDatabase over an embedded PGlite instance. */
export function pgliteDatabase(db: PGlite): SqlDatabase {
  return {
    ...pgliteSql(db),
    transaction: (fn) => db.transaction((tx) => fn(pgliteSql(tx))),
  };
}
