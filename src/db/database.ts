/**
 * The one small interface both database backends implement. SQL is PostgreSQL with `$1` placeholders; rows come
 * back as plain objects (jsonb parsed, timestamptz as Date, bytea as Uint8Array).
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs multi-statement SQL without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** How the job queue (pg-boss) reaches this database: its own pool on the server, or the embedded instance. */
export type QueueConnection = { kind: 'postgres'; url: string } | { kind: 'pglite'; pglite: unknown };

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** For the job queue; absent on test doubles. */
  readonly queueConnection?: QueueConnection;
  /**
   * LISTEN on `channel` (NOTIFY with `select pg_notify(channel, payload)`): on a server every process sharing the
   * database hears it; embedded, this process does. Resolves once listening; the result stops it.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
