import postgres from 'postgres';
import type { Database, Queryable } from './database.ts';

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
}

type Sql = postgres.Sql | postgres.TransactionSql;

function queryable(sql: Sql): Queryable {
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      // `unsafe` is the postgres client's entry point for parameterised text queries: values still travel as bind
      // parameters, never spliced into the SQL.
      const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return rows as unknown as T[];
    },
    async exec(text: string) {
      // Without parameters the client uses the simple protocol, which accepts several statements.
      await sql.unsafe(text);
    },
  };
}

/** A PostgreSQL server through the `postgres` client. */
export function createPostgresDatabase(options: PostgresOptions): Database {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
  });
  return {
    kind: 'postgres',
    ...queryable(sql),
    async transaction(fn) {
      return (await sql.begin((tx) => fn(queryable(tx)))) as Awaited<ReturnType<typeof fn>>;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
